import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { embedderForIndex } from '../../src/core/embed/embedderRegistry';
import { startTestServer, trigramVector } from '../support/openaiTestServer';
import { REPO_ROOT, tempDir } from '../unit/helpers';
import { writeCorpus } from './corpus';
import { assertIndexConsistent, recordVersions } from './indexInvariants';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');
const FILES = 240;
// Frequent writes put many kills in the middle of the write path, not only before or after it.
// The lexical snapshot is rewritten at the end of every run, so kills land between the shards and it too.
const ENV = { PATH: process.env.PATH, GROUNDED_FLUSH_EVERY_FILES: '7', GROUNDED_SNAPSHOT_AFTER_CHUNKS: '0' };

/** Runs `index` to its end; asynchronously, so an endpoint served by this process can answer it. */
async function indexToCompletion(root: string, indexDir: string, env: NodeJS.ProcessEnv = ENV): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'index', root, '--index-dir', indexDir], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  return stdout;
}

/** Starts `index` and SIGKILLs it after `delayMs`; resolves with whether it was still running. */
function indexAndKill(root: string, indexDir: string, delayMs: number, env: NodeJS.ProcessEnv = ENV): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'index', root, '--index-dir', indexDir], { env, stdio: 'ignore' });
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

/**
 * Kills a run of `index` into the folder `prepare` readies, `delayMs` after its start. A run that had
 * already ended (timings on a loaded machine vary by several times) is prepared and started again,
 * sooner, up to three times: the kills are there to land while the index is being written.
 */
async function killWhileRunning(root: string, prepare: (attempt: number) => string, delayMs: number, env: NodeJS.ProcessEnv = ENV): Promise<{ indexDir: string; midway: boolean }> {
  let indexDir = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    indexDir = prepare(attempt);
    if (await indexAndKill(root, indexDir, Math.round(delayMs * 0.6 ** attempt), env)) return { indexDir, midway: true };
  }
  return { indexDir, midway: false };
}

async function timeFullIndex(root: string): Promise<number> {
  const indexDir = path.join(tempDir(), 'timing');
  const t = Date.now();
  await indexToCompletion(root, indexDir);
  return Date.now() - t;
}

test('SIGKILL at 30 points of a full index and 24 points of incremental updates never corrupts the index', { timeout: 600_000 }, async () => {
  const root = tempDir('grounded-kill-');
  writeCorpus(root, FILES, 0);
  const versions = recordVersions(root);
  const full = await timeFullIndex(root);
  let killedMidway = 0;
  let points = 0;

  for (let k = 0; k < 30; k++) {
    // Spread the kills from process start-up to the end of the run.
    const { indexDir, midway } = await killWhileRunning(root, (attempt) => path.join(tempDir(), `full-${k}-${attempt}`), ((k + 0.5) / 30) * full * 1.1);
    if (midway) killedMidway++;
    points++;
    const after = await assertIndexConsistent(root, indexDir, versions);
    if (k % 6 === 0) {
      await indexToCompletion(root, indexDir);
      const done = await assertIndexConsistent(root, indexDir, versions);
      assert.equal(done.files, FILES, 'the next run completes the index');
      assert.ok(done.files >= after.files);
    }
  }

  // Incremental: a complete index, then every third file changes, and the update run is killed.
  const base = path.join(tempDir(), 'base');
  await indexToCompletion(root, base);
  // An update run is timed as such (not guessed from the full run): on a loaded machine the two scale
  // differently, and kills spread over a guess land after the run has ended.
  const timing = path.join(tempDir(), 'inc-timing');
  fs.cpSync(base, timing, { recursive: true });
  writeCorpus(root, FILES, 1);
  recordVersions(root, versions);
  const started = Date.now();
  await indexToCompletion(root, timing);
  const incremental = Math.max(200, (Date.now() - started) * 1.1);
  for (let k = 0; k < 24; k++) {
    const prepare = (attempt: number) => {
      const dir = path.join(tempDir(), `inc-${k}-${attempt}`);
      fs.cpSync(base, dir, { recursive: true });
      writeCorpus(root, FILES, k + 1);
      recordVersions(root, versions);
      return dir;
    };
    const { indexDir, midway } = await killWhileRunning(root, prepare, ((k + 0.5) / 24) * incremental);
    if (midway) killedMidway++;
    points++;
    const after = await assertIndexConsistent(root, indexDir, versions);
    assert.equal(after.files, FILES, 'files whose update did not complete keep their previous version');
    if (k % 6 === 0) {
      await indexToCompletion(root, indexDir);
      await assertIndexConsistent(root, indexDir, versions);
    }
  }
  console.log(`kill points: ${points}; killed while running: ${killedMidway}; full index took ${full} ms`);
  assert.ok(points >= 50);
  assert.ok(killedMidway >= 40, `most kills land while the index is being written (${killedMidway})`);
});

test('SIGKILL at 16 points of an index with vectors: each chunk keeps its own vector, the index opens', { timeout: 300_000 }, async () => {
  const dims = 32;
  // The endpoint is a real local HTTP server speaking the OpenAI protocol; the CLI child calls it.
  const server = await startTestServer({ dimensions: dims });
  try {
    const env = { ...ENV, GROUNDED_BASE_URL: server.url, GROUNDED_EMBED_MODEL: 'kill-test' };
    const root = tempDir('grounded-kill-dense-');
    writeCorpus(root, 120, 0);
    const versions = recordVersions(root);
    const dense = async (indexDir: string) => ({
      embedder: await embedderForIndex({ provider: 'openai', baseURL: server.url, model: 'kill-test' }, indexDir),
      vectorOf: (text: string) => trigramVector(text, dims),
    });
    const base = path.join(tempDir(), 'dense-base');
    const t = Date.now();
    await indexToCompletion(root, base, env);
    const full = Date.now() - t;
    await assertIndexConsistent(root, base, versions, await dense(base));
    let killedMidway = 0;
    for (let k = 0; k < 16; k++) {
      // Even points kill a full run part way; odd ones an update run in which a third of the files changed.
      const prepare = (attempt: number) => {
        const dir = path.join(tempDir(), `dense-${k}-${attempt}`);
        if (k % 2 === 0) return dir;
        fs.cpSync(base, dir, { recursive: true });
        writeCorpus(root, 120, k);
        recordVersions(root, versions);
        return dir;
      };
      const delay = k % 2 === 0 ? ((k + 0.5) / 16) * full * 1.1 : ((k + 0.5) / 16) * Math.max(300, full / 2);
      const { indexDir, midway } = await killWhileRunning(root, prepare, delay, env);
      if (midway) killedMidway++;
      await assertIndexConsistent(root, indexDir, versions, await dense(indexDir));
    }
    console.log(`dense kill points: 16; killed while running: ${killedMidway}; full index took ${full} ms`);
    assert.ok(killedMidway >= 10, `most kills land while the index is being written (${killedMidway})`);
  } finally {
    await server.close();
  }
});
