import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { withDefaults } from '../../src/core/config';
import { createPathFilter } from '../../src/core/discovery/pathFilter';
import { decodeText } from '../../src/core/discovery/readText';
import { discoverFiles } from '../../src/core/discovery/walk';
import { tempDir, writeTree } from './helpers';

function paths(d: { files: { relPath: string }[] }): string[] {
  return d.files.map((f) => f.relPath);
}

test('root and nested .gitignore rules, with negation, decide what is indexed', async () => {
  const root = tempDir();
  writeTree(root, {
    '.gitignore': '*.log\nbuild-output/\n!keep.log\n',
    'a.ts': 'x',
    'debug.log': 'x',
    'keep.log': 'x',
    'build-output/gen.ts': 'x',
    'pkg/.gitignore': 'local.txt\n/only-here.md\n',
    'pkg/local.txt': 'x',
    'pkg/only-here.md': 'x',
    'pkg/sub/only-here.md': 'x',
    'pkg/sub/ok.md': 'x',
  });
  const d = await discoverFiles(root, withDefaults({}));
  assert.deepEqual(paths(d), ['.gitignore', 'a.ts', 'keep.log', 'pkg/.gitignore', 'pkg/sub/ok.md', 'pkg/sub/only-here.md']);
  assert.ok(d.skipped.some((s) => s.relPath === 'debug.log' && /gitignore/.test(s.reason)));
});

test('respectGitignore=false indexes gitignored files but never secrets or node_modules', async () => {
  const root = tempDir();
  writeTree(root, { '.gitignore': 'ignored.md\n', 'ignored.md': 'x', '.env': 'KEY=1', '.env.local': 'KEY=2', 'id_rsa': 'k', 'certs/server.pem': 'k', 'secrets/token.txt': 't', 'node_modules/x/index.js': 'x' });
  const d = await discoverFiles(root, withDefaults({ respectGitignore: false }));
  assert.deepEqual(paths(d), ['.gitignore', 'ignored.md']);
  for (const p of ['.env', '.env.local', 'id_rsa', 'certs/server.pem']) assert.ok(d.skipped.some((s) => s.relPath === p && /secret/.test(s.reason)), p);
});

test('.groundedignore, include and exclude globs, and extra secret patterns', async () => {
  const root = tempDir();
  writeTree(root, { '.groundedignore': 'drafts/\n', 'drafts/a.md': 'x', 'docs/a.md': 'x', 'docs/b.txt': 'x', 'src/x.ts': 'x', 'src/gen/y.ts': 'x', 'conf/prod.cfg': 'x' });
  const d = await discoverFiles(root, withDefaults({ include: ['docs/**', 'src/**', 'conf/**'], exclude: ['**/gen/**', '**/*.txt'], secretPatterns: ['*.cfg'] }));
  assert.deepEqual(paths(d), ['docs/a.md', 'src/x.ts']);
});

test('binary extensions, size limit, and symlinks that leave the folder or loop', async () => {
  const root = tempDir();
  const outside = tempDir();
  writeTree(outside, { 'secret.md': 'outside' });
  writeTree(root, { 'img.png': 'x', 'big.md': 'x'.repeat(2000), 'small.md': 'ok', 'dir/inner.md': 'in' });
  fs.symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'out-link.md'));
  fs.symlinkSync(outside, path.join(root, 'out-dir'));
  fs.symlinkSync(path.join(root, 'dir'), path.join(root, 'dir/loop'));
  const d = await discoverFiles(root, withDefaults({ maxFileBytes: 1000 }));
  assert.deepEqual(paths(d), ['dir/inner.md', 'small.md']);
  const reasons = Object.fromEntries(d.skipped.map((s) => [s.relPath, s.reason]));
  assert.match(reasons['out-link.md'], /outside/);
  assert.match(reasons['out-dir'], /outside/);
  assert.match(reasons['dir/loop'], /loop/);
  assert.match(reasons['big.md'], /larger/);
  assert.match(reasons['img.png'], /binary/);
});

test('a folder reached both as itself and through a link is walked once, the same way every time, however the parallel reads finish', async () => {
  const root = tempDir();
  const tree: Record<string, string> = {};
  for (let i = 0; i < 30; i++) tree[`pkg${i}/real/f${i}.md`] = `# F${i}\n`;
  writeTree(root, tree);
  // Links beside the folders they point at, in folders of the same depth, in both name orders.
  for (let i = 0; i < 30; i++) fs.symlinkSync(`../pkg${(i + 7) % 30}/real`, path.join(root, `pkg${i}`, i % 2 ? 'alias' : 'a-link'));
  const runs = [];
  for (let r = 0; r < 4; r++) runs.push(await discoverFiles(root, withDefaults({})));
  for (const run of runs) {
    assert.deepEqual(paths(run), paths(runs[0]));
    assert.deepEqual(run.skipped, runs[0].skipped);
  }
  assert.equal(paths(runs[0]).length, 30, 'each real folder once');
  assert.equal(runs[0].skipped.filter((s) => /loop/.test(s.reason)).length, 30);
});

test('checkPath applies folder rules to a single saved file', () => {
  const root = tempDir();
  writeTree(root, { '.gitignore': 'tmp/\n', 'tmp/a.md': 'x', 'docs/a.md': 'x' });
  const filter = createPathFilter(root, withDefaults({}));
  assert.match(filter.checkPath('tmp/a.md') ?? '', /gitignore/);
  assert.match(filter.checkPath('node_modules/p/a.js') ?? '', /dependency/);
  assert.equal(filter.checkPath('docs/a.md'), undefined);
});

test('text decoding: NUL bytes, invalid UTF-8, UTF-16 with BOM, minified lines', () => {
  assert.equal(decodeText(Buffer.from([0x61, 0, 0x62])).ok, false);
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo wörld', 'utf16le')]);
  const r = decodeText(utf16);
  assert.ok(r.ok && r.text === 'héllo wörld');
  assert.equal(decodeText(Buffer.alloc(1000, 0xc3)).ok, false);
  const minified = decodeText(Buffer.from('var a=1;'.repeat(2000)));
  assert.ok(!minified.ok && /minified/.test(minified.reason));
  const bom = decodeText(Buffer.from('\ufeffhello'));
  assert.ok(bom.ok && bom.text === 'hello');
});
