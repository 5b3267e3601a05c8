import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { IndexIdentity } from '../../src/core/store/identity';
import { FileSummary, StoredChunk } from '../../src/core/store/records';
import { ShardedStore } from '../../src/core/store/shardedStore';
import { tempDir } from './helpers';

const LEXICAL: IndexIdentity = { provider: 'lexical', model: 'bm25', dimensions: 0, chunkerVersion: 1 };

function chunks(p: string, version = 1): StoredChunk[] {
  return [1, 2].map((n) => ({ id: `${p}#${n}v${version}`, path: p, startLine: n, endLine: n, language: 'markdown', kind: 'doc', title: 't', text: `text ${n} of ${p} v${version}`, hash: `h${p}${n}${version}` }));
}

function record(p: string, version = 1) {
  return { path: p, hash: `x${version}`, size: 10 + version, mtimeMs: version, indexedAt: 1 };
}

const FILES = Array.from({ length: 40 }, (_, i) => `docs/f${i}.md`);

/** An index of FILES in 8 shards, flushed, with its file list written. */
async function written(dir: string): Promise<ShardedStore> {
  const { store } = await ShardedStore.open(dir, LEXICAL, { shardCount: 8 });
  for (const p of FILES) store.putFile(record(p), chunks(p));
  await store.flush();
  await store.saveManifest();
  return store;
}

function shardsRoot(dir: string): string {
  return path.join(dir, fs.readdirSync(dir).find((n) => n.startsWith('shards-'))!);
}

function shardFile(dir: string, store: ShardedStore, p: string): string {
  return path.join(shardsRoot(dir), `s${store.shardOf(p).toString(16).padStart(3, '0')}`, 'index.json');
}

/** Files whose chunks the store holds in memory (the rest are on disk only). */
function heldInMemory(store: ShardedStore): number {
  const held = (store as unknown as { held: Map<string, { chunks?: unknown }> }).held;
  return [...held.values()].filter((h) => h.chunks).length;
}

/** Without the keys a value leaves undefined (as read back from JSON). */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const summary = (s: FileSummary) => ({ record: s.record, chunkCount: s.chunkCount, chars: s.chars });

test('an index without vectors opens from its file list: entries and sizes at once, chunks read from a shard only when asked', async () => {
  const dir = tempDir();
  const before = await written(dir);
  assert.ok(fs.existsSync(path.join(shardsRoot(dir), 'manifest.json')));
  const { store } = await ShardedStore.open(dir, LEXICAL);
  assert.equal(heldInMemory(store), 0);
  assert.deepEqual([...store.fileSummaries()].map(summary).sort((a, b) => a.record.path.localeCompare(b.record.path)), [...before.fileSummaries()].map(summary).sort((a, b) => a.record.path.localeCompare(b.record.path)));
  assert.deepEqual(store.loadErrors, []);
  assert.deepEqual(store.getFile(FILES[0]), { record: record(FILES[0]), chunks: chunks(FILES[0]) });
  // One shard was read for it: its files, and only those, hold their chunks now.
  assert.equal(heldInMemory(store), FILES.filter((p) => store.shardOf(p) === store.shardOf(FILES[0])).length);
  for (const p of FILES) assert.deepEqual(store.getFile(p), { record: record(p), chunks: chunks(p) }, p);
});

test('a shard changed since the file list was taken is parsed on open: another writer\'s file is read as it wrote it', async () => {
  const dir = tempDir();
  await written(dir);
  const { store: other } = await ShardedStore.open(dir, LEXICAL);
  other.putFile(record(FILES[5], 2), chunks(FILES[5], 2));
  other.removeFile(FILES[6]);
  await other.flush();
  const { store } = await ShardedStore.open(dir, LEXICAL);
  assert.deepEqual(plain(store.getFile(FILES[5])), { record: record(FILES[5], 2), chunks: chunks(FILES[5], 2) });
  assert.equal(store.getRecord(FILES[6]), undefined);
  assert.equal(store.fileCount, FILES.length - 1);
});

test('a shard that is damaged when its chunks are first read: its files held only on disk are let go, reported, and the next write repairs the shard', async () => {
  const dir = tempDir();
  const first = await written(dir);
  const { store } = await ShardedStore.open(dir, LEXICAL);
  const victim = FILES[3];
  const file = shardFile(dir, first, victim);
  const neighbours = FILES.filter((p) => store.shardOf(p) === store.shardOf(victim));
  fs.writeFileSync(file, '{"items": [{"id": 1');
  const lost: string[] = [];
  store.onExternalChange = (before, after) => {
    if (before && !after) lost.push(before.record.path);
  };
  assert.equal(store.getFile(victim), undefined);
  assert.match(store.problems.join('\n'), /damaged/);
  await Promise.resolve();
  assert.deepEqual(lost.sort(), [...neighbours].sort());
  for (const p of neighbours) assert.equal(store.getRecord(p), undefined);
  // Every other shard still answers; the write that follows replaces the damaged shard.
  const elsewhere = FILES.find((p) => store.shardOf(p) !== store.shardOf(victim))!;
  assert.deepEqual(store.getFile(elsewhere)?.chunks, chunks(elsewhere));
  store.putFile(record(victim, 3), chunks(victim, 3));
  await store.flush();
  const { store: reopened } = await ShardedStore.open(dir, LEXICAL);
  assert.deepEqual(reopened.loadErrors, []);
  assert.deepEqual(reopened.getFile(victim)?.chunks, chunks(victim, 3));
});

test('a planted or damaged file list is one warning and every shard is parsed; a path leaving the folder is refused', async () => {
  const dir = tempDir();
  const first = await written(dir);
  const list = path.join(shardsRoot(dir), 'manifest.json');
  const good = fs.readFileSync(list, 'utf8');
  const outside = good.replace(JSON.stringify(FILES[0]), JSON.stringify('../../etc/passwd'));
  const secret = path.join(tempDir(), 'elsewhere.json');
  fs.writeFileSync(secret, good);
  for (const plant of [() => fs.writeFileSync(list, outside), () => fs.writeFileSync(list, '{"format": 1'), () => fs.symlinkSync(secret, list)]) {
    plant();
    const { store } = await ShardedStore.open(dir, LEXICAL);
    assert.equal(store.loadErrors.length, 1, store.loadErrors.join('\n'));
    assert.match(store.loadErrors[0], /file list .* is not used/);
    assert.equal(store.getRecord('../../etc/passwd'), undefined);
    assert.equal(store.fileCount, FILES.length);
    for (const p of FILES) assert.deepEqual(store.getFile(p)?.chunks, chunks(p));
    fs.rmSync(list, { force: true });
  }
  // The next write of a list replaces a link, not its target.
  fs.symlinkSync(secret, list);
  const { store } = await ShardedStore.open(dir, LEXICAL);
  store.putFile(record(FILES[1], 2), chunks(FILES[1], 2));
  await store.flush();
  for (const p of FILES.slice(2, 30)) store.putFile(record(p, 2), chunks(p, 2));
  await store.flush();
  await store.saveManifest();
  assert.ok(fs.lstatSync(list).isFile());
  assert.equal(fs.readFileSync(secret, 'utf8'), good);
  assert.ok(first);
});

test('chunks of shards written or read long ago are let go and read back the same; pending ones never are', async () => {
  const dir = tempDir();
  const { store } = await ShardedStore.open(dir, LEXICAL, { shardCount: 256 });
  const many = Array.from({ length: 600 }, (_, i) => `src/m${i}.md`);
  for (const p of many) store.putFile(record(p), chunks(p));
  await store.flush();
  assert.ok(heldInMemory(store) < many.length / 2, `${heldInMemory(store)} of ${many.length} files still hold their chunks`);
  store.putFile(record(many[0], 2), chunks(many[0], 2));
  store.releaseShardCache();
  assert.deepEqual(store.getFile(many[0])?.chunks, chunks(many[0], 2));
  for (const p of many.slice(1)) assert.deepEqual(store.getFile(p)?.chunks, chunks(p), p);
  await store.flush();
  const { store: reopened } = await ShardedStore.open(dir, LEXICAL);
  assert.deepEqual(reopened.getFile(many[0])?.chunks, chunks(many[0], 2));
});

test('a shard replaced by a FIFO or a link after the file list was taken is refused at once when read, never waited on or followed', async () => {
  const dir = tempDir();
  const first = await written(dir);
  const [fifoFile, linkFile] = [FILES[3], FILES.find((p) => first.shardOf(p) !== first.shardOf(FILES[3]))!];
  const elsewhere = path.join(tempDir(), 'index.json');
  fs.copyFileSync(shardFile(dir, first, linkFile), elsewhere);
  const { store } = await ShardedStore.open(dir, LEXICAL);
  fs.rmSync(shardFile(dir, first, fifoFile));
  assert.equal(spawnSync('mkfifo', [shardFile(dir, first, fifoFile)]).status, 0);
  fs.rmSync(shardFile(dir, first, linkFile));
  fs.symlinkSync(elsewhere, shardFile(dir, first, linkFile));
  assert.equal(store.getFile(fifoFile), undefined);
  assert.equal(store.getFile(linkFile), undefined);
  assert.equal(store.damagedShards.length, 2);
  assert.match(store.problems.join('\n'), /not a plain file/);
});

test('a folder planted where the file list goes is left alone: one warning, no retry at every save, and the index keeps working', async () => {
  const root = tempDir('grounded-list-');
  for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(root, `f${i}.md`), `# F${i}\n\nalpha ${i}\n`);
  const indexDir = path.join(tempDir(), 'index');
  const first = await Engine.open({ folder: root, indexDir, shardCount: 8 });
  await first.indexAll();
  await first.close();
  const list = path.join(shardsRoot(indexDir), 'manifest.json');
  fs.rmSync(list, { force: true });
  fs.mkdirSync(list);
  fs.writeFileSync(path.join(list, 'keep.txt'), 'someone else’s');
  const log: string[] = [];
  const engine = await Engine.open({ folder: root, indexDir, shardCount: 8, log: (m) => log.push(m) });
  for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(root, `f${i}.md`), `# F${i}\n\nbravo ${i}\n`);
  await engine.indexAll();
  fs.writeFileSync(path.join(root, 'f0.md'), '# F0\n\ncharlie\n');
  await engine.updateFile('f0.md');
  assert.equal(log.filter((l) => /could not write the index's file list/.test(l)).length, 1, log.join('\n'));
  assert.equal(fs.readFileSync(path.join(list, 'keep.txt'), 'utf8'), 'someone else’s');
  assert.equal((await engine.query('charlie'))[0]?.path, 'f0.md');
  await engine.close();
});
