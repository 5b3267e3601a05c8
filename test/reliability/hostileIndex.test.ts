import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { clearIndexFolder, inspectIndexFolder } from '../../src/core/store/indexFolder';
import { resolveIndexDir } from '../../src/core/store/indexLocation';
import { REPO_ROOT, tempDir, writeTree } from '../unit/helpers';

/**
 * A repository can ship anything inside `.grounded/`, and a shared setting can point the index
 * anywhere: none of it may make Grounded delete or write outside its own index, and damage repairs itself.
 */
const CLI = path.join(REPO_ROOT, 'dist/cli.js');

function cli(args: string[], timeout = 60_000) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

function workspace(files = 12): { root: string; ws: string } {
  const root = tempDir('grounded-hostile-index-');
  const ws = path.join(root, 'ws');
  const tree: Record<string, string> = {};
  for (let i = 0; i < files; i++) tree[`docs/note${i}.md`] = `# Note ${i}\n\nThe kestrel${i} paragraph of note ${i}.\n`;
  writeTree(ws, tree);
  writeTree(root, { 'victim/keep.txt': 'precious', 'outside/keep.txt': 'precious too' });
  return { root, ws };
}

function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

/** Every file and chunk item in every shard of the index, as written on disk. */
function itemsOnDisk(indexDir: string): { type: string; path: string }[] {
  const out: { type: string; path: string }[] = [];
  for (const d of fs.readdirSync(indexDir).filter((n) => n.startsWith('shards-'))) {
    for (const s of fs.readdirSync(path.join(indexDir, d)).filter((n) => /^s[0-9a-f]{3}$/.test(n))) {
      const file = path.join(indexDir, d, s, 'index.json');
      if (!fs.existsSync(file)) continue;
      for (const it of JSON.parse(fs.readFileSync(file, 'utf8')).items) if (it.metadata.type !== 'shard') out.push(it.metadata);
    }
  }
  return out;
}

function shardFiles(indexDir: string): string[] {
  const d = fs.readdirSync(indexDir).find((n) => n.startsWith('shards-'))!;
  return fs.readdirSync(path.join(indexDir, d)).map((s) => path.join(indexDir, d, s, 'index.json')).filter((f) => fs.existsSync(f));
}

const indexedCount = (out: string) => Number(/Indexed (\d+) files/.exec(out)?.[1]);

test('a shipped grounded.json whose shardsDir leads outside is damage, never a path to delete or write', () => {
  const { root, ws } = workspace();
  const before = listTree(path.join(root, 'victim'));
  writeTree(ws, { '.grounded/grounded.json': JSON.stringify({ format: 1, shardsDir: '../../victim', shardCount: 4, identity: { provider: 'lexical', model: 'bm25', dimensions: 0, chunkerVersion: 1 } }) });
  const status = cli(['status', ws]);
  assert.deepEqual(listTree(path.join(root, 'victim')), before, 'status deleted nothing outside');
  const indexed = cli(['index', ws]);
  assert.equal(indexed.code, 0, indexed.err);
  assert.deepEqual(listTree(path.join(root, 'victim')), before, 'index deleted nothing outside');
  // The same with a valid format and a matching identity: the shards folder is derived, not read.
  const meta = JSON.parse(fs.readFileSync(path.join(ws, '.grounded/grounded.json'), 'utf8'));
  fs.writeFileSync(path.join(ws, '.grounded/grounded.json'), JSON.stringify({ ...meta, shardsDir: '../../outside2' }));
  const again = cli(['index', ws]);
  assert.equal(again.code, 0, again.err);
  assert.ok(!fs.existsSync(path.join(root, 'outside2')), 'nothing is written to the path the file names');
  assert.match(cli(['status', ws]).out, /Files: +12 indexed/);
  assert.ok(status.code !== null);
});

test('an index location that holds other files, is .git or .vscode, or is a link is refused, and clearing never deletes what Grounded did not create', async () => {
  const { root, ws } = workspace();
  writeTree(ws, { 'src/app.ts': 'export const app = 1;\n', '.git/HEAD': 'ref: refs/heads/main\n', '.vscode/settings.json': '{}' });
  fs.symlinkSync(path.join(root, 'outside'), path.join(ws, 'linked'));
  fs.symlinkSync(path.join(ws, 'docs'), path.join(ws, 'docs-link'));
  for (const loc of ['.git', '.git/grounded', '.vscode', 'linked', 'docs-link/idx', '..', '.']) {
    await assert.rejects(resolveIndexDir(ws, loc, { explicit: false, refuseLinks: true }), /refused|not inside/, loc);
  }
  await assert.rejects(inspectIndexFolder(path.join(ws, 'src')), /not a Grounded index folder/);
  await assert.rejects(clearIndexFolder(path.join(ws, 'src')), /not a Grounded index folder/);
  await assert.rejects(clearIndexFolder(path.join(ws, 'linked')), /symbolic link/);
  assert.ok(fs.existsSync(path.join(ws, 'src/app.ts')) && fs.existsSync(path.join(root, 'outside/keep.txt')));
  // A real index, with a stranger's file slipped into its shards folder: only Grounded's files go.
  const indexDir = await resolveIndexDir(ws, '.grounded-shared', { explicit: false, refuseLinks: true });
  assert.equal(cli(['index', ws, '--index-dir', indexDir]).code, 0);
  const shards = fs.readdirSync(indexDir).find((n) => n.startsWith('shards-'))!;
  fs.writeFileSync(path.join(indexDir, shards, 'notes.txt'), 'mine');
  const left = await clearIndexFolder(indexDir);
  assert.deepEqual(left, [path.join(indexDir, shards, 'notes.txt')]);
  assert.deepEqual(listTree(indexDir), [shards, path.join(shards, 'notes.txt')]);
});

test('a .grounded committed as a link to a folder outside is refused by default, and used only when named with --index-dir', () => {
  const { root, ws } = workspace();
  fs.symlinkSync(path.join(root, 'outside'), path.join(ws, '.grounded'));
  const refused = cli(['index', ws]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /symbolic link .* outside the workspace folder; refused/);
  assert.deepEqual(listTree(path.join(root, 'outside')), ['keep.txt']);
  const emptyOutside = path.join(root, 'elsewhere');
  fs.mkdirSync(emptyOutside);
  fs.symlinkSync(emptyOutside, path.join(root, 'link-to-elsewhere'));
  const named = cli(['index', ws, '--index-dir', path.join(root, 'link-to-elsewhere')]);
  assert.equal(named.code, 0, named.err);
  assert.ok(fs.existsSync(path.join(emptyOutside, 'grounded.json')));
});

test('an --index-dir inside the indexed folder is never indexed itself', () => {
  const { ws } = workspace(1);
  const counts = [1, 2, 3, 4].map(() => {
    const r = cli(['index', ws, '--index-dir', path.join(ws, 'my-index')]);
    assert.equal(r.code, 0, r.err);
    return r.out.match(/Indexed (\d+) files into (\d+) chunks/)!.slice(1).join('/');
  });
  assert.deepEqual(new Set(counts).size, 1, counts.join(' '));
  assert.equal(counts[0].split('/')[0], '1');
});

for (const [name, damage] of [
  ['truncated', (f: string) => fs.writeFileSync(f, fs.readFileSync(f, 'utf8').slice(0, 40))],
  ['an empty object', (f: string) => fs.writeFileSync(f, '{}')],
  ['an item without metadata', (f: string) => {
    const j = JSON.parse(fs.readFileSync(f, 'utf8'));
    delete j.items[0].metadata;
    fs.writeFileSync(f, JSON.stringify(j));
  }],
  ['an item whose path leaves the folder', (f: string) => {
    const j = JSON.parse(fs.readFileSync(f, 'utf8'));
    j.items[0].metadata.path = '../../etc/passwd';
    fs.writeFileSync(f, JSON.stringify(j));
  }],
] as const) {
  test(`a shard that is ${name} is reported, set aside and rebuilt from its files by the next run`, () => {
    const { ws } = workspace(40);
    assert.equal(cli(['index', ws]).code, 0);
    const victim = shardFiles(path.join(ws, '.grounded'))[0];
    damage(victim);
    const q = cli(['query', ws, 'kestrel3', '--no-update']);
    assert.equal(q.code, 0, q.err);
    assert.match(q.err, /\d+ file\(s\) in 1 damaged index shard\(s\) \(s[0-9a-f]{3}\) are missing from results/);
    const repaired = cli(['index', ws]);
    assert.equal(repaired.code, 0, repaired.err);
    assert.match(repaired.out, /Indexed 40 files/);
    assert.equal(repaired.err.match(/Warning: shard s[0-9a-f]{3} is damaged/g)?.length, 1, repaired.err);
    assert.doesNotMatch(cli(['status', ws]).out, /Error:/, 'repaired: status shows no damage');
    const again = cli(['index', ws]);
    assert.match(again.out, /added 0, updated 0, renamed 0, removed 0, unchanged 40/);
    const q2 = cli(['query', ws, 'kestrel3', '--no-update']);
    assert.equal(q2.err, '');
    assert.match(q2.out, /docs\/note3\.md/);
    const items = itemsOnDisk(path.join(ws, '.grounded')).filter((i) => i.type === 'file');
    assert.equal(items.length, 40, 'every file once on disk');
  });
}

test('a long run of one character does not give two chunks one id, and never breaks the shard', () => {
  const { ws } = workspace(3);
  writeTree(ws, { 'blob.py': `DATA = "${'A'.repeat(12_000)}"\n\ndef after_blob():\n    return DATA\n` + '# pad\n'.repeat(800) });
  for (let i = 0; i < 2; i++) {
    const r = cli(['index', ws]);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out + r.err, /already exists|failed/);
  }
  fs.appendFileSync(path.join(ws, 'blob.py'), '# changed\n');
  const r = cli(['query', ws, 'after_blob']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /blob\.py/);
});

for (const [name, write] of [
  ['truncated', (f: string) => fs.writeFileSync(f, fs.readFileSync(f, 'utf8').slice(0, 30))],
  ['garbage', (f: string) => fs.writeFileSync(f, '\u0000\u0001garbage')],
  ['missing', (f: string) => fs.rmSync(f)],
] as const) {
  test(`a ${name} grounded.json wipes nothing: status reads the shards, the next run rewrites the meta file`, () => {
    const { ws } = workspace(30);
    assert.equal(cli(['index', ws]).code, 0);
    const indexDir = path.join(ws, '.grounded');
    const shardsBefore = shardFiles(indexDir).map((f) => fs.readFileSync(f, 'utf8'));
    write(path.join(indexDir, 'grounded.json'));
    const status = cli(['status', ws]);
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, /Files: +30 indexed/);
    assert.match(status.out, /rebuilt from the shards/);
    assert.deepEqual(shardFiles(indexDir).map((f) => fs.readFileSync(f, 'utf8')), shardsBefore, 'status changed no shard');
    const r = cli(['index', ws]);
    assert.match(r.out, /unchanged 30/);
    assert.doesNotThrow(() => JSON.parse(fs.readFileSync(path.join(indexDir, 'grounded.json'), 'utf8')));
  });
}

test('a meta file with shardCount 0 (or any invalid field) is damage, not a spin at 100% CPU', () => {
  const { ws } = workspace(5);
  assert.equal(cli(['index', ws]).code, 0);
  const file = path.join(ws, '.grounded/grounded.json');
  for (const bad of [{ shardCount: 0 }, { shardCount: 3 }, { shardCount: -256 }, { identity: null }, { updatedAt: '<img src=x onerror=alert(1)>' }]) {
    const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...meta, ...bad }));
    const r = cli(['index', ws], 20_000);
    assert.equal(r.signal, null, `index hung with ${JSON.stringify(bad)}`);
    assert.equal(r.code, 0, r.err);
    assert.equal(indexedCount(r.out), 5, JSON.stringify(bad));
  }
});

test('read-only commands never remove a writer\'s temporary files', () => {
  const { ws } = workspace(5);
  assert.equal(cli(['index', ws]).code, 0);
  const shard = path.dirname(shardFiles(path.join(ws, '.grounded'))[0]);
  const inFlight = path.join(shard, `.index.json.${process.pid}.1234abcd.tmp`);
  const metaTmp = path.join(ws, '.grounded', `.grounded.json.${process.pid}.abcd1234.tmp`);
  fs.writeFileSync(inFlight, '{"half');
  fs.writeFileSync(metaTmp, '{"half');
  assert.equal(cli(['status', ws]).code, 0);
  assert.equal(cli(['query', ws, 'kestrel1', '--no-update']).code, 0);
  assert.equal(cli(['index', ws]).code, 0);
  assert.ok(fs.existsSync(inFlight) && fs.existsSync(metaTmp), 'a live process\'s temporary files stay, even for a writer');
});

test('changing shardCount leaves no duplicate file entries or chunks on disk', () => {
  const { ws } = workspace(60);
  assert.equal(cli(['index', ws]).code, 0);
  const file = path.join(ws, '.grounded/grounded.json');
  const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(meta.shardCount, 256);
  fs.writeFileSync(file, JSON.stringify({ ...meta, shardCount: 128 }));
  const r = cli(['index', ws]);
  assert.equal(r.code, 0, r.err);
  assert.equal(indexedCount(r.out), 60);
  const items = itemsOnDisk(path.join(ws, '.grounded'));
  const files = items.filter((i) => i.type === 'file').map((i) => i.path);
  const chunks = items.filter((i) => i.type === 'chunk').map((i) => i.path);
  assert.equal(files.length, 60);
  assert.equal(new Set(files).size, 60);
  assert.equal(chunks.length, 60, 'one chunk a note, once');
  assert.match(cli(['query', ws, 'kestrel42', '--no-update']).out, /note42\.md/);
});

test('index, a run with nothing to do, and status agree on indexed and skipped', () => {
  const { ws } = workspace(6);
  writeTree(ws, { 'image.png': 'not really', 'bin.dat.txt': Buffer.from([0, 1, 2, 3]).toString('latin1'), '.gitignore': 'ignored.md\n', 'ignored.md': '# x\n', 'big.txt': 'x'.repeat(2 * 1024 * 1024) });
  const first = cli(['index', ws]);
  const second = cli(['index', ws]);
  const status = cli(['status', ws]);
  const skippedOf = (out: string) => Number(/skipped (\d+)/.exec(out)?.[1] ?? /(\d+) skipped/.exec(out)?.[1]);
  const indexedOf = (out: string) => Number(/Indexed (\d+) files/.exec(out)?.[1] ?? /(\d+) indexed/.exec(out)?.[1]);
  assert.equal(indexedOf(first.out), indexedOf(second.out));
  assert.equal(indexedOf(first.out), indexedOf(status.out));
  assert.equal(skippedOf(first.out), skippedOf(second.out));
  assert.equal(skippedOf(first.out), skippedOf(status.out));
  assert.equal(skippedOf(first.out), 4, first.out);
  const json = JSON.parse(cli(['status', ws, '--json']).out);
  assert.deepEqual(json.skipped.map((s: { relPath: string }) => s.relPath).sort(), ['big.txt', 'bin.dat.txt', 'ignored.md', 'image.png']);
});

test('status on a folder never indexed says so and writes nothing', () => {
  const { ws } = workspace(2);
  const before = listTree(ws);
  const r = cli(['status', ws]);
  assert.equal(r.code, 1);
  assert.match(r.err, /no Grounded index in .* yet/i);
  assert.deepEqual(listTree(ws), before);
  const q = cli(['query', ws, 'kestrel', '--no-update']);
  assert.equal(q.code, 1);
  assert.deepEqual(listTree(ws), before);
});

test('status --verbose and --json list discovery-level skips too: a name that is not UTF-8', () => {
  const { ws } = workspace(2);
  fs.writeFileSync(Buffer.concat([Buffer.from(path.join(ws, 'docs') + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.md')]), '# Bad name\n');
  assert.equal(cli(['index', ws]).code, 0);
  const json = JSON.parse(cli(['status', ws, '--json']).out);
  assert.ok(json.skipped.some((s: { reason: string }) => s.reason === 'file name is not valid UTF-8'), JSON.stringify(json.skipped));
  assert.match(cli(['status', ws, '--verbose']).out, /skipped docs\/bad-.*\.md: file name is not valid UTF-8/);
});

test('a kill during the very first meta write (a lock and a temp file, no marker yet) does not lock the folder out', () => {
  const { ws } = workspace(3);
  writeTree(ws, { '.grounded/write.lock': `999999999@${require('os').hostname()} 2020-01-01`, '.grounded/.grounded.json.999999999.deadbeef.tmp': '{"form' });
  const r = cli(['index', ws]);
  assert.equal(r.code, 0, r.err);
  assert.equal(indexedCount(r.out), 3);
});

test('links planted inside an index (a shards folder, one shard) never lead a write outside', () => {
  const { root, ws } = workspace(20);
  assert.equal(cli(['index', ws]).code, 0);
  const indexDir = path.join(ws, '.grounded');
  const shardsDir = fs.readdirSync(indexDir).find((n) => n.startsWith('shards-'))!;
  // One shard replaced by a link to a folder outside: it is moved aside (the link renamed), the target untouched.
  const victim = path.dirname(shardFiles(indexDir)[0]);
  fs.rmSync(victim, { recursive: true });
  fs.symlinkSync(path.join(root, 'victim'), victim);
  fs.appendFileSync(path.join(ws, 'docs/note1.md'), '\nchanged\n');
  for (let i = 0; i < 20; i++) fs.appendFileSync(path.join(ws, `docs/note${i}.md`), '\nagain\n');
  const r = cli(['index', ws]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(listTree(path.join(root, 'victim')), ['keep.txt'], 'nothing written through the shard link');
  assert.ok(!fs.lstatSync(victim).isSymbolicLink(), 'the shard is a real folder again');
  // The whole shards folder as a link: the index folder is no longer Grounded's, and is refused.
  fs.renameSync(path.join(indexDir, shardsDir), path.join(root, 'moved-shards'));
  fs.symlinkSync(path.join(root, 'outside'), path.join(indexDir, shardsDir));
  const refused = cli(['index', ws]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.err, /not a Grounded index folder/);
  assert.deepEqual(listTree(path.join(root, 'outside')), ['keep.txt']);
});
