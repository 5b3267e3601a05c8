import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { REPO_ROOT, tempDir } from '../unit/helpers';
import { writeCorpus } from './corpus';
import { assertIndexConsistent, recordVersions } from './indexInvariants';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');
const FILES = 240;
// Frequent writes put many kills in the middle of the write path, not only before or after it.
const ENV = { PATH: process.env.PATH, GROUNDED_FLUSH_EVERY_FILES: '7' };

function indexToCompletion(root: string, indexDir: string): string {
  const r = spawnSync(process.execPath, [CLI, 'index', root, '--index-dir', indexDir], { encoding: 'utf8', env: ENV, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Starts `index` and SIGKILLs it after `delayMs`; resolves with whether it was still running. */
function indexAndKill(root: string, indexDir: string, delayMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'index', root, '--index-dir', indexDir], { env: ENV, stdio: 'ignore' });
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    setTimeout(() => {
      const killedMidway = !exited;
      child.kill('SIGKILL');
      child.on('close', () => resolve(killedMidway));
      if (exited) resolve(false);
    }, delayMs);
  });
}

function timeFullIndex(root: string): number {
  const indexDir = path.join(tempDir(), 'timing');
  const t = Date.now();
  indexToCompletion(root, indexDir);
  return Date.now() - t;
}

test('SIGKILL at 30 points of a full index and 24 points of incremental updates never corrupts the index', { timeout: 600_000 }, async () => {
  const root = tempDir('grounded-kill-');
  writeCorpus(root, FILES, 0);
  const versions = recordVersions(root);
  const full = timeFullIndex(root);
  let killedMidway = 0;
  let points = 0;

  for (let k = 0; k < 30; k++) {
    const indexDir = path.join(tempDir(), `full-${k}`);
    // Spread the kills from process start-up to the end of the run.
    if (await indexAndKill(root, indexDir, Math.round(((k + 0.5) / 30) * full * 1.1))) killedMidway++;
    points++;
    const after = await assertIndexConsistent(root, indexDir, versions);
    if (k % 6 === 0) {
      indexToCompletion(root, indexDir);
      const done = await assertIndexConsistent(root, indexDir, versions);
      assert.equal(done.files, FILES, 'the next run completes the index');
      assert.ok(done.files >= after.files);
    }
  }

  // Incremental: a complete index, then every third file changes, and the update run is killed.
  const base = path.join(tempDir(), 'base');
  indexToCompletion(root, base);
  for (let k = 0; k < 24; k++) {
    const indexDir = path.join(tempDir(), `inc-${k}`);
    fs.cpSync(base, indexDir, { recursive: true });
    writeCorpus(root, FILES, k + 1);
    recordVersions(root, versions);
    const incremental = Math.max(200, full / 2);
    if (await indexAndKill(root, indexDir, Math.round(((k + 0.5) / 24) * incremental))) killedMidway++;
    points++;
    const after = await assertIndexConsistent(root, indexDir, versions);
    assert.equal(after.files, FILES, 'files whose update did not complete keep their previous version');
    if (k % 6 === 0) {
      indexToCompletion(root, indexDir);
      await assertIndexConsistent(root, indexDir, versions);
    }
  }
  console.log(`kill points: ${points}; killed while running: ${killedMidway}; full index took ${full} ms`);
  assert.ok(points >= 50);
  assert.ok(killedMidway >= 40, `most kills land while the index is being written (${killedMidway})`);
});
