import assert from 'node:assert/strict';
import * as fs from 'fs';
import { test } from 'node:test';
import { IndexIdentity } from '../../src/core/store/identity';
import { OpenIndexStore } from '../../src/core/store/indexStore';
import { FileRecord, StoredChunk } from '../../src/core/store/records';
import { tempDir } from './helpers';

/** How a store implementation is tested: how to open it, and (optionally) how to damage what it wrote. */
export interface StoreUnderTest {
  name: string;
  open: OpenIndexStore;
  /** Damages what the store wrote for `relPath` on disk, as a crash or a hostile repository could. */
  damage?: (dir: string, relPath: string) => void;
}

const LEXICAL: IndexIdentity = { provider: 'lexical', model: 'bm25', dimensions: 0, chunkerVersion: 1 };
const DENSE: IndexIdentity = { provider: 'test', model: 'm', dimensions: 4, chunkerVersion: 1 };

function chunk(p: string, n: number, extra: Partial<StoredChunk> = {}): StoredChunk {
  return { id: `${p}#${n}`, path: p, startLine: n, endLine: n + 1, language: 'markdown', kind: 'doc', title: `t${n}`, text: `text ${n} of ${p}`, hash: `h:${p}:${n}`, ...extra };
}

function record(p: string, hash = 'x'): FileRecord {
  return { path: p, hash, size: 10, mtimeMs: 1000, indexedAt: 2000 };
}

function unit(axis: number): number[] {
  return [0, 1, 2, 3].map((i) => (i === axis ? 1 : 0));
}

/**
 * The behaviour every `IndexStore` must have, whatever it keeps its data in: the engine relies on
 * exactly this. A new implementation (SQLite, a server) is added by calling this with its opener.
 */
export function storeContract(s: StoreUnderTest): void {
  const open = (dir: string, identity = LEXICAL, readOnly = false) => s.open(dir, identity, { shardCount: 4, readOnly });

  test(`${s.name}: what is put is there at once, and after a flush and a reopen, exactly as put`, async () => {
    const dir = tempDir();
    const { store } = await open(dir);
    const chunks = [chunk('docs/a.md', 1), chunk('docs/a.md', 3, { page: 2 }), chunk('docs/a.md', 5, { cell: 4 })];
    store.putFile(record('docs/a.md'), chunks);
    store.putFile({ ...record('bin.dat'), skipped: 'binary' }, []);
    assert.deepEqual(store.getFile('docs/a.md')?.chunks, chunks);
    assert.equal(store.fileCount, 2);
    await store.flush();
    const { store: again, rebuildReason } = await open(dir);
    assert.equal(rebuildReason, undefined);
    // Absent and undefined fields are the same to the engine.
    assert.deepEqual(JSON.parse(JSON.stringify(again.getFile('docs/a.md'))), { record: record('docs/a.md'), chunks });
    assert.equal(again.getFile('bin.dat')?.record.skipped, 'binary');
    assert.deepEqual([...again.allFiles()].map((e) => e.record.path).sort(), ['bin.dat', 'docs/a.md']);
    assert.ok((await again.diskBytes()) > 0);
  });

  test(`${s.name}: a removed or replaced file is gone after a reopen, its old chunks with it`, async () => {
    const dir = tempDir();
    const { store } = await open(dir);
    store.putFile(record('a.md'), [chunk('a.md', 1), chunk('a.md', 2)]);
    store.putFile(record('b.md'), [chunk('b.md', 1)]);
    await store.flush();
    assert.equal(store.removeFile('b.md')?.record.path, 'b.md');
    assert.equal(store.removeFile('never.md'), undefined);
    store.putFile(record('a.md', 'y'), [chunk('a.md', 7)]);
    await store.flush();
    const { store: again } = await open(dir);
    assert.equal(again.getFile('b.md'), undefined);
    assert.deepEqual(again.getFile('a.md')?.chunks.map((c) => c.id), ['a.md#7']);
    assert.equal(again.getFile('a.md')?.record.hash, 'y');
  });

  test(`${s.name}: an index built with another identity is discarded with a reason, never mixed`, async () => {
    const dir = tempDir();
    const { store } = await open(dir);
    store.putFile(record('a.md'), [chunk('a.md', 1)]);
    await store.flush();
    const { store: other, rebuildReason } = await open(dir, { ...LEXICAL, chunkerVersion: 2 });
    assert.ok(rebuildReason && rebuildReason.length > 0);
    assert.equal(other.fileCount, 0);
    assert.equal(other.identity.chunkerVersion, 2);
  });

  test(`${s.name}: read-only: no index is an error naming it; an index is read; writing is refused and changes nothing`, async () => {
    const empty = tempDir();
    await assert.rejects(open(empty, LEXICAL, true), { name: 'NoIndexError' });
    assert.deepEqual(fs.readdirSync(empty), [], 'a read-only open creates nothing');
    const dir = tempDir();
    const { store } = await open(dir);
    store.putFile(record('a.md'), [chunk('a.md', 1)]);
    await store.flush();
    const { store: reader } = await open(dir, LEXICAL, true);
    assert.equal(reader.readOnly, true);
    assert.equal(reader.getFile('a.md')?.chunks.length, 1);
    reader.removeFile('a.md');
    await assert.rejects(reader.flush());
    assert.equal((await open(dir)).store.getFile('a.md')?.chunks.length, 1);
  });

  test(`${s.name}: vectors are searched by similarity, survive a reopen, go with their file, and are kept on a re-put without vectors`, async () => {
    const dir = tempDir();
    const { store } = await open(dir, DENSE);
    store.putFile(record('a.md'), [chunk('a.md', 1), chunk('a.md', 2)], [unit(0), unit(1)]);
    store.putFile(record('b.md'), [chunk('b.md', 1)], [unit(2)]);
    assert.throws(() => store.putFile(record('c.md'), [chunk('c.md', 1)], [unit(0), unit(1)]));
    assert.equal(store.vectors?.search(unit(1), 1)[0].id, 'a.md#2');
    await store.flush();
    const { store: again } = await open(dir, DENSE);
    assert.equal(again.vectors?.size, 3);
    assert.equal(again.vectors?.search(unit(2), 1)[0].id, 'b.md#1');
    assert.deepEqual(again.vectors?.search(unit(2), 3, (id) => id.startsWith('a.md')).map((h) => h.id).sort(), ['a.md#1', 'a.md#2']);
    again.putFile({ ...record('a.md'), mtimeMs: 5 }, again.getFile('a.md')!.chunks);
    again.removeFile('b.md');
    await again.flush();
    const { store: third } = await open(dir, DENSE);
    assert.equal(third.vectors?.size, 2);
    assert.equal(third.vectors?.search(unit(0), 1)[0].id, 'a.md#1');
  });

  test(`${s.name}: two writers on one index never lose each other's files`, async () => {
    const dir = tempDir();
    const { store: first } = await open(dir);
    const { store: second } = await open(dir);
    for (let i = 0; i < 20; i++) first.putFile(record(`one/${i}.md`), [chunk(`one/${i}.md`, 1)]);
    await first.flush();
    for (let i = 0; i < 20; i++) second.putFile(record(`two/${i}.md`), [chunk(`two/${i}.md`, 1)]);
    await second.flush();
    const { store: reader } = await open(dir);
    assert.equal(reader.fileCount, 40);
  });

  if (s.damage) {
    const damage = s.damage;
    test(`${s.name}: damaged data is reported, the rest opens, and the next write repairs it`, async () => {
      const dir = tempDir();
      const { store } = await open(dir);
      for (let i = 0; i < 12; i++) store.putFile(record(`f${i}.md`), [chunk(`f${i}.md`, 1)]);
      await store.flush();
      damage(dir, 'f0.md');
      const { store: hurt } = await open(dir);
      assert.ok(hurt.loadErrors.length > 0 && hurt.problems.length > 0, 'the damage is reported');
      assert.equal(hurt.getFile('f0.md'), undefined);
      assert.ok(hurt.isInDamagedShard('f0.md'));
      assert.ok(hurt.fileCount > 0 && hurt.fileCount < 12, 'the undamaged files are there');
      hurt.putFile(record('f0.md'), [chunk('f0.md', 1)]);
      await hurt.flush();
      const { store: healed } = await open(dir);
      assert.equal(healed.getFile('f0.md')?.chunks.length, 1);
      assert.deepEqual(healed.damagedShards, []);
    });
  }
}
