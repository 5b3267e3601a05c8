import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { REPO_ROOT, tempDir, writeTree } from '../unit/helpers';
import { writeCorpus } from './corpus';
import { assertIndexConsistent, recordVersions } from './indexInvariants';

test('two engines on one index (two windows) never lose each other\'s files, even in one shard', async () => {
  const root = tempDir();
  const indexDir = path.join(tempDir(), 'idx');
  writeTree(root, { 'seed.md': '# Seed\n\nseed text\n' });
  const a = await Engine.open({ folder: root, indexDir, shardCount: 1 });
  const b = await Engine.open({ folder: root, indexDir, shardCount: 1 });
  await a.indexAll();
  // Both windows now save different files into the same (only) shard, interleaved.
  for (let i = 0; i < 10; i++) {
    writeTree(root, { [`a${i}.md`]: `# A${i}\n\nalpha${i} text\n`, [`b${i}.md`]: `# B${i}\n\nbravo${i} text\n` });
    await Promise.all([a.updateFile(`a${i}.md`), b.updateFile(`b${i}.md`)]);
  }
  const fresh = await Engine.open({ folder: root, indexDir, shardCount: 1 });
  for (let i = 0; i < 10; i++) {
    assert.equal((await fresh.query(`alpha${i}`))[0]?.path, `a${i}.md`);
    assert.equal((await fresh.query(`bravo${i}`))[0]?.path, `b${i}.md`);
  }
  // Each window also sees the other's files once it has written the shard since (the last round's
  // two writes may come in either order, so an earlier round's file is asked for).
  assert.equal((await a.query('bravo3'))[0]?.path, 'b3.md');
  assert.equal((await b.query('alpha8'))[0]?.path, 'a8.md');
  // A deletion by one window is not undone by the other's next write.
  fs.rmSync(path.join(root, 'a0.md'));
  await a.removeFile('a0.md');
  writeTree(root, { 'b-last.md': '# Last\n\nlast text\n' });
  await b.updateFile('b-last.md');
  const final = await Engine.open({ folder: root, indexDir, shardCount: 1 });
  assert.ok((await final.query('alpha0')).every((r) => r.path !== 'a0.md'));
  assert.equal((await final.query('last'))[0]?.path, 'b-last.md');
});

test('two CLI processes indexing one folder into one index at once both succeed and leave it whole', async () => {
  const root = tempDir();
  writeCorpus(root, 150);
  const indexDir = path.join(tempDir(), 'idx');
  const cli = path.join(REPO_ROOT, 'dist/cli.js');
  const run = () =>
    new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'index', root, '--index-dir', indexDir], { env: { PATH: process.env.PATH, GROUNDED_FLUSH_EVERY_FILES: '5' } });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d));
      child.on('close', (code) => resolve({ code, err }));
    });
  const [x, y] = await Promise.all([run(), run()]);
  assert.equal(x.code, 0, x.err);
  assert.equal(y.code, 0, y.err);
  const { files } = await assertIndexConsistent(root, indexDir, recordVersions(root));
  assert.equal(files, 150);
  assert.ok(!fs.existsSync(path.join(indexDir, 'write.lock')), 'the lock is released');
});
