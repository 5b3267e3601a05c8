import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { LocalIndex } from 'vectra';
import { writeFileAtomic } from '../../src/core/store/atomicWrite';
import { IndexIdentity } from '../../src/core/store/identity';
import { StoredChunk } from '../../src/core/store/records';
import { ShardedStore } from '../../src/core/store/shardedStore';
import { withWriteLock } from '../../src/core/store/writeLock';
import { tempDir } from './helpers';

const LEXICAL: IndexIdentity = { provider: 'lexical', model: 'bm25', dimensions: 0, chunkerVersion: 1 };

function chunk(p: string, n: number): StoredChunk {
  return { id: `${p}#${n}`, path: p, startLine: n, endLine: n, language: 'markdown', kind: 'doc', title: 't', text: `text ${n}`, hash: `h${p}${n}` };
}

function record(p: string) {
  return { path: p, hash: 'x', size: 1, mtimeMs: 1, indexedAt: 1 };
}

test('shards are vectra LocalIndex folders that vectra itself can read', async () => {
  const dir = tempDir();
  const { store } = await ShardedStore.open(dir, LEXICAL, { shardCount: 4 });
  store.putFile(record('a.md'), [chunk('a.md', 1), chunk('a.md', 2)]);
  await store.flush();
  const shardsDir = fs.readdirSync(dir).find((n) => n.startsWith('shards-'))!;
  const shard = fs.readdirSync(path.join(dir, shardsDir))[0];
  const items = await new LocalIndex(path.join(dir, shardsDir, shard)).listItems();
  assert.equal(items.filter((i) => i.metadata.type === 'chunk').length, 2);
});

test('one file update rewrites only its own shard', async () => {
  const dir = tempDir();
  const { store } = await ShardedStore.open(dir, LEXICAL, { shardCount: 16 });
  for (let i = 0; i < 64; i++) store.putFile(record(`f${i}.md`), [chunk(`f${i}.md`, 1)]);
  await store.flush();
  const shardsRoot = path.join(dir, fs.readdirSync(dir).find((n) => n.startsWith('shards-'))!);
  const mtimes = () => Object.fromEntries(fs.readdirSync(shardsRoot).map((s) => [s, fs.statSync(path.join(shardsRoot, s, 'index.json')).mtimeMs]));
  const before = mtimes();
  await new Promise((r) => setTimeout(r, 20));
  store.putFile(record('f7.md'), [chunk('f7.md', 2)]);
  await store.flush();
  const after = mtimes();
  const changed = Object.keys(after).filter((s) => after[s] !== before[s]);
  assert.equal(changed.length, 1);
  assert.equal(changed[0], `s${store.shardOf('f7.md').toString(16).padStart(3, '0')}`);
});

test('an atomic write never leaves a partial file: the old content survives a failed write', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'index.json');
  await writeFileAtomic(file, '{"old":true}');
  fs.chmodSync(dir, 0o500);
  try {
    if (process.getuid?.() === 0) return; // root ignores permissions; the kill tests cover this case
    await assert.rejects(writeFileAtomic(file, '{"new":true}'));
    assert.equal(fs.readFileSync(file, 'utf8'), '{"old":true}');
  } finally {
    fs.chmodSync(dir, 0o700);
  }
});

test('a dead writer\'s temp file is ignored, left alone by readers, and cleaned by the next writer; a live one is never touched', async () => {
  const dir = tempDir();
  let { store } = await ShardedStore.open(dir, LEXICAL, { shardCount: 2 });
  store.putFile(record('a.md'), [chunk('a.md', 1)]);
  await store.flush();
  const shardsRoot = path.join(dir, fs.readdirSync(dir).find((n) => n.startsWith('shards-'))!);
  const shard = path.join(shardsRoot, fs.readdirSync(shardsRoot)[0]);
  const dead = '.index.json.999999999.deadbeef.tmp';
  const live = `.index.json.${process.ppid}.0badf00d.tmp`; // the parent process: alive, writing "in flight"
  fs.writeFileSync(path.join(shard, dead), '{"truncat');
  fs.writeFileSync(path.join(shard, live), '{"in fli');
  ({ store } = await ShardedStore.open(dir, LEXICAL, { shardCount: 2 }));
  await ShardedStore.open(dir, LEXICAL, { readOnly: true });
  assert.equal(store.getFile('a.md')?.chunks.length, 1);
  assert.deepEqual(fs.readdirSync(shard).sort(), [dead, live, 'index.json'].sort(), 'opening deletes nothing');
  store.putFile(record('a.md'), [chunk('a.md', 2)]);
  await store.flush();
  assert.deepEqual(fs.readdirSync(shard).sort(), [live, 'index.json'].sort(), 'the lock holder removes only the dead process\'s file');
});

test('a corrupt shard is reported and the rest of the index still opens', async () => {
  const dir = tempDir();
  let { store } = await ShardedStore.open(dir, LEXICAL, { shardCount: 64 });
  for (let i = 0; i < 20; i++) store.putFile(record(`f${i}.md`), [chunk(`f${i}.md`, 1)]);
  await store.flush();
  const shardsRoot = path.join(dir, fs.readdirSync(dir).find((n) => n.startsWith('shards-'))!);
  const victim = fs.readdirSync(shardsRoot)[0];
  fs.writeFileSync(path.join(shardsRoot, victim, 'index.json'), '');
  ({ store } = await ShardedStore.open(dir, LEXICAL, { shardCount: 64 }));
  assert.equal(store.loadErrors.length, 1);
  assert.ok(store.fileCount > 0 && store.fileCount < 20);
});

test('the write lock serialises two writers and breaks a lock whose owner is dead', async () => {
  const dir = tempDir();
  const lock = path.join(dir, 'write.lock');
  const order: string[] = [];
  await Promise.all([
    withWriteLock(lock, async () => {
      order.push('a+');
      await new Promise((r) => setTimeout(r, 50));
      order.push('a-');
    }),
    withWriteLock(lock, async () => {
      order.push('b+');
      order.push('b-');
    }),
  ]);
  assert.ok(order.join() === 'a+,a-,b+,b-' || order.join() === 'b+,b-,a+,a-', order.join());
  fs.writeFileSync(lock, `999999999@${require('os').hostname()} 2020-01-01`);
  assert.equal(await withWriteLock(lock, async () => 'ran'), 'ran');
  fs.writeFileSync(lock, `${process.pid}@${require('os').hostname()} now`);
  await assert.rejects(withWriteLock(lock, async () => 'never', { timeoutMs: 100 }), /another process/);
});

const DENSE: IndexIdentity = { provider: 'openai', model: 'm', dimensions: 3, chunkerVersion: 1 };

test('vectors live in a float32 file beside each shard and come back on open', async () => {
  const dir = tempDir();
  const { store } = await ShardedStore.open(dir, DENSE, { shardCount: 2 });
  store.putFile(record('a.md'), [chunk('a.md', 1), chunk('a.md', 2)], [[1, 0, 0], [0, 3, 4]]);
  store.putFile(record('b.md'), [chunk('b.md', 1)], [[0, 0, 2]]);
  await store.flush();
  const shardsDir = fs.readdirSync(dir).find((n) => n.startsWith('shards-'))!;
  for (const shard of fs.readdirSync(path.join(dir, shardsDir))) {
    const json = fs.readFileSync(path.join(dir, shardsDir, shard, 'index.json'), 'utf8');
    assert.doesNotMatch(json, /"vector":\[[^\]]/, 'no vector values in vectra JSON');
    assert.equal(fs.readdirSync(path.join(dir, shardsDir, shard)).filter((n) => n.endsWith('.f32')).length, 1);
  }
  const { store: again } = await ShardedStore.open(dir, DENSE, { shardCount: 2 });
  assert.deepEqual(again.loadErrors, []);
  assert.deepEqual([...again.vectors!.get('a.md#2')!].map((x) => Math.round(x * 100) / 100), [0, 0.6, 0.8]);
  assert.deepEqual(again.vectors!.search([0, 0, 1], 2).map((h) => h.id), ['b.md#1', 'a.md#2']);

  // Replacing a file replaces its vectors; the shard keeps one vector file, the new one.
  again.putFile(record('a.md'), [chunk('a.md', 1)], [[0, 1, 0]]);
  await again.flush();
  const { store: third } = await ShardedStore.open(dir, DENSE, { shardCount: 2 });
  assert.equal(third.vectors!.size, 2);
  assert.equal(third.vectors!.has('a.md#2'), false);
  assert.deepEqual(third.vectors!.search([0, 1, 0], 1).map((h) => h.id), ['a.md#1']);
  for (const shard of fs.readdirSync(path.join(dir, shardsDir))) {
    assert.ok(fs.readdirSync(path.join(dir, shardsDir, shard)).filter((n) => n.endsWith('.f32')).length <= 1);
  }
});

test('a shard whose vector file is gone or damaged is reported, and the rest opens', async () => {
  const dir = tempDir();
  const { store } = await ShardedStore.open(dir, DENSE, { shardCount: 64 });
  const files = Array.from({ length: 12 }, (_, i) => `f${i}.md`);
  for (const f of files) store.putFile(record(f), [chunk(f, 1)], [[1, 2, 3]]);
  await store.flush();
  const shardsDir = path.join(dir, fs.readdirSync(dir).find((n) => n.startsWith('shards-'))!);
  const [first, second] = fs.readdirSync(shardsDir);
  const vectorFile = (s: string) => path.join(shardsDir, s, fs.readdirSync(path.join(shardsDir, s)).find((n) => n.endsWith('.f32'))!);
  fs.rmSync(vectorFile(first));
  fs.truncateSync(vectorFile(second), 20);
  const { store: again } = await ShardedStore.open(dir, DENSE, { shardCount: 64 });
  assert.equal(again.loadErrors.length, 2);
  assert.match(again.loadErrors.join('\n'), /ENOENT|no such file/);
  assert.match(again.loadErrors.join('\n'), /cut short/);
  assert.equal(again.fileCount, files.length - 2);
  assert.equal(again.vectors!.size, files.length - 2);
});

test('a kill between writing a vector file and the index.json naming it leaves the previous pair', async () => {
  const dir = tempDir();
  const { store } = await ShardedStore.open(dir, DENSE, { shardCount: 1 });
  store.putFile(record('a.md'), [chunk('a.md', 1)], [[1, 0, 0]]);
  await store.flush();
  const shardDir = path.join(dir, fs.readdirSync(dir).find((n) => n.startsWith('shards-'))!, 's000');
  // What a killed writer leaves: a newer vector file that no index.json names.
  fs.writeFileSync(path.join(shardDir, 'vectors-0123456789abcdef.f32'), Buffer.from('GRV1 torn'));
  const { store: again } = await ShardedStore.open(dir, DENSE, { shardCount: 1 });
  assert.deepEqual(again.loadErrors, []);
  assert.deepEqual(again.vectors!.search([1, 0, 0], 1).map((h) => h.id), ['a.md#1']);
  again.putFile(record('b.md'), [chunk('b.md', 1)], [[0, 1, 0]]);
  await again.flush();
  assert.equal(fs.readdirSync(shardDir).filter((n) => n.endsWith('.f32')).length, 1, 'the orphan is cleaned by the next write');
});

test('an empty index is sized for its workspace once; a second writer follows the new layout', async () => {
  const dir = tempDir();
  const { store: a } = await ShardedStore.open(dir, LEXICAL, { shardCount: 4 });
  const { store: b } = await ShardedStore.open(dir, LEXICAL, { shardCount: 4 });
  await a.sizeFor(10);
  assert.equal(a.shardCount, 4, 'a small workspace keeps the count it has');
  await a.sizeFor(1000);
  assert.equal(a.shardCount, 64);
  b.putFile(record('from-b.md'), [chunk('from-b.md', 1)]);
  await b.flush();
  assert.equal(b.shardCount, 64, 'the other writer wrote into the new layout');
  a.putFile(record('from-a.md'), [chunk('from-a.md', 1)]);
  await a.flush();
  await a.sizeFor(100000);
  assert.equal(a.shardCount, 64, 'an index that holds files keeps its layout');
  const { store: again } = await ShardedStore.open(dir, LEXICAL, { shardCount: 4 });
  assert.equal(again.shardCount, 64);
  assert.deepEqual([...again.allFiles()].map((e) => e.record.path).sort(), ['from-a.md', 'from-b.md']);
});
