import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { tempDir, writeTree } from '../unit/helpers';

/** A small tmpfs for the index, so that a full disk and a read-only folder are real. Needs root (CI runs as root). */
function mountTmpfs(dir: string, size: string): boolean {
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}

const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = tempDir();
  const ok = mountTmpfs(probe, '64k');
  if (ok) spawnSync('umount', [probe]);
  return ok;
})();
const skip = canMount ? false : 'needs root to mount a tmpfs (CI runs as root)';

test('a full disk: a clear error, the editor-side engine keeps answering, nothing indexed is lost', { skip }, async () => {
  const root = tempDir();
  const mount = tempDir();
  assert.ok(mountTmpfs(mount, '1m'));
  try {
    const indexDir = path.join(mount, 'idx');
    writeTree(root, { 'a.md': '# A\n\nalpha text\n' });
    const engine = await Engine.open({ folder: root, indexDir, shardCount: 2 });
    await engine.indexAll();
    // Fill the disk, then try to index a lot more.
    fs.writeFileSync(path.join(mount, 'filler'), Buffer.alloc(1024 * 1024 - 64 * 1024));
    const big: Record<string, string> = {};
    for (let i = 0; i < 60; i++) big[`doc${i}.md`] = `# Doc ${i}\n\n${'bravo words here and more words\n'.repeat(200)}`;
    writeTree(root, big);
    await assert.rejects(engine.indexAll(), /Could not write the index in .*ENOSPC|no space/i);
    assert.equal((await engine.query('alpha'))[0].path, 'a.md', 'still answers');
    fs.rmSync(path.join(mount, 'filler'));
    const reopened = await Engine.open({ folder: root, indexDir, shardCount: 2 });
    assert.equal((await reopened.query('alpha'))[0].path, 'a.md', 'what was indexed before is on disk');
    assert.deepEqual((await reopened.status()).errors, []);
    const done = await reopened.indexAll();
    assert.equal(done.files, 61);
  } finally {
    spawnSync('umount', [mount]);
  }
});

test('a read-only index folder: a clear error on save, queries keep working, the index is intact', { skip }, async () => {
  const root = tempDir();
  const mount = tempDir();
  assert.ok(mountTmpfs(mount, '4m'));
  try {
    const indexDir = path.join(mount, 'idx');
    writeTree(root, { 'a.md': '# A\n\nalpha text\n' });
    const engine = await Engine.open({ folder: root, indexDir, shardCount: 2 });
    await engine.indexAll();
    assert.equal(spawnSync('mount', ['-o', 'remount,ro', mount]).status, 0);
    writeTree(root, { 'b.md': '# B\n\nbravo text\n' });
    await assert.rejects(engine.updateFile('b.md'), /Could not write the index|read-only|EROFS/i);
    assert.equal((await engine.query('alpha'))[0].path, 'a.md');
    const reopened = await Engine.open({ folder: root, indexDir, shardCount: 2 });
    assert.equal((await reopened.query('alpha'))[0].path, 'a.md');
  } finally {
    spawnSync('umount', [mount]);
  }
});
