import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { tempDir, writeTree } from '../unit/helpers';

/** Builds the hostile corpus in the test (nothing of it is committed). */
function hostileWorkspace(): string {
  const root = tempDir('grounded-hostile-');
  const outside = tempDir('grounded-outside-');
  writeTree(outside, { 'secret.md': '# Outside\n\nexfiltrate-me\n' });
  writeTree(root, {
    'ok/normal.md': '# Normal\n\nThe normal document mentions kingfisher.\n',
    'ok/normal.ts': 'export function kingfisherCount(): number {\n  return 1;\n}\n',
    'binary-as-text.md': Buffer.concat([Buffer.from('# looks like text\n'), Buffer.from([0, 1, 2, 0, 255])]),
    'invalid-utf8.txt': Buffer.from(Array.from({ length: 4000 }, (_, i) => (i % 2 ? 0xc3 : 0x28))),
    'utf16.md': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('# UTF-16 heading\n\nwide kingfisher text\n', 'utf16le')]),
    'bundle.min.js.txt': 'var a=1;'.repeat(131072),
    'deep.md': Array.from({ length: 10000 }, (_, i) => '>'.repeat(1 + (i % 40)) + ' ' + '#'.repeat(1 + (i % 6)) + ' level ' + i).join('\n'),
    'deep.ts': 'const x = ' + '[\n'.repeat(10000) + ']\n'.repeat(10000) + ';\nexport function afterDeep() {}\n',
    'deep.py': Array.from({ length: 3000 }, (_, i) => ' '.repeat(i % 100) + `def f${i}(`).join('\n'),
    'unparsable.rs': 'fn main( { let = ; impl for <<>> }}}} struct',
    'name with spaces.md': '# Spaces\n\nspaced kingfisher\n',
    'ünïcødé 名前.md': '# Unicode\n\nunicode kingfisher\n',
    '$(touch pwned) `id`; echo x && rm -rf y.md': '# Shell\n\nshell kingfisher\n',
  });
  // A 50 MB single-line file, written sparsely in chunks.
  const fd = fs.openSync(path.join(root, 'huge-one-line.txt'), 'w');
  const block = Buffer.alloc(1024 * 1024, 'x');
  for (let i = 0; i < 50; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  fs.symlinkSync(root, path.join(root, 'ok', 'loop'));
  fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'escape.md'));
  fs.symlinkSync(outside, path.join(root, 'escape-dir'));
  return root;
}

test('a hostile corpus is indexed without crash or hang; each skipped file has its reason; the rest is searchable', { timeout: 120_000 }, async () => {
  const root = hostileWorkspace();
  const engine = await Engine.open({ folder: root, shardCount: 8 });
  const started = Date.now();
  const summary = await engine.indexAll();
  assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
  const reasons = new Map([...summary.skipped, ...(await engine.status()).skipped].map((s) => [s.relPath, s.reason]));
  assert.match(reasons.get('binary-as-text.md') ?? '', /binary/);
  assert.match(reasons.get('invalid-utf8.txt') ?? '', /UTF-8/);
  assert.match(reasons.get('bundle.min.js.txt') ?? '', /larger than|minified/);
  assert.match(reasons.get('huge-one-line.txt') ?? '', /larger than/);
  assert.match(reasons.get('ok/loop') ?? '', /loop|already indexed/);
  assert.match(reasons.get('escape.md') ?? '', /outside/);
  assert.match(reasons.get('escape-dir') ?? '', /outside/);
  assert.deepEqual(summary.failed, []);

  const hits = new Set((await engine.query('kingfisher', { topK: 20, perFile: 1 })).map((r) => r.path));
  for (const p of ['ok/normal.md', 'ok/normal.ts', 'utf16.md', 'name with spaces.md', 'ünïcødé 名前.md', '$(touch pwned) `id`; echo x && rm -rf y.md']) {
    assert.ok(hits.has(p), `${p} is searchable`);
  }
  assert.deepEqual(await engine.query('exfiltrate'), [], 'nothing from outside the folder');
  assert.ok(!fs.existsSync(path.join(root, 'pwned')), 'no file name was ever run');
  for (const p of ['deep.md', 'deep.ts', 'deep.py', 'unparsable.rs']) assert.ok(!reasons.has(p), `${p} was indexed (with a fallback where needed)`);
});

test('files deleted or replaced while being read, and a file changing 100 times in a second', { timeout: 60_000 }, async () => {
  const root = tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`f${i}.md`] = `# F${i}\n\ncontent ${i}\n`;
  writeTree(root, files);
  const engine = await Engine.open({ folder: root, shardCount: 8 });
  // Delete and replace files while the run is reading them.
  const churn = (async () => {
    for (let i = 0; i < 300; i += 3) {
      fs.rmSync(path.join(root, `f${i}.md`), { force: true });
      if (i % 2 === 0) fs.writeFileSync(path.join(root, `f${i}.md`), `# Replaced ${i}\n\nreplaced text ${i}\n`);
      await new Promise((r) => setImmediate(r));
    }
  })();
  const summary = await engine.indexAll();
  await churn;
  assert.deepEqual(summary.failed, []);
  const settled = await engine.indexAll();
  assert.deepEqual(settled.failed, []);
  for (let i = 0; i < 300; i += 3) {
    const hits = await engine.query(`replaced text ${i}`, { topK: 3 });
    if (i % 2 === 0) assert.equal(hits[0]?.path, `f${i}.md`, `f${i}.md has its replaced text`);
    else assert.ok(hits.every((h) => h.path !== `f${i}.md`), `f${i}.md is gone`);
  }

  // 100 writes in about a second, each followed by a save event.
  const hot = path.join(root, 'hot.md');
  const updates: Promise<void>[] = [];
  for (let v = 0; v < 100; v++) {
    fs.writeFileSync(hot, `# Hot\n\nversion${v} text\n`);
    updates.push(engine.updateFile('hot.md'));
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(updates);
  const hot99 = await engine.query('version99');
  assert.equal(hot99[0]?.path, 'hot.md');
  const hotChunks = (await engine.query('hot version', { topK: 50 })).filter((h) => h.path === 'hot.md');
  assert.ok(hotChunks.length > 0 && hotChunks.every((h) => h.text.includes('version99') && !h.text.includes('version98')), 'only the last version is indexed');
});
