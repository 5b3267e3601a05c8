import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { ChunkTexts, writeChunkTexts } from '../../src/core/lexical/chunkTexts';
import { sha1 } from '../../src/core/store/identity';
import { chunkId, StoredChunk } from '../../src/core/store/records';
import { writeCorpus } from '../reliability/corpus';
import { tempDir } from './helpers';

function chunksOf(p: string, n: number): StoredChunk[] {
  return Array.from({ length: n }, (_, ordinal) => {
    const text = `text ${ordinal} of ${p} — naïve ✓`;
    const hash = sha1(text);
    return { id: chunkId(p, ordinal, ordinal * 10 + 1, hash), path: p, startLine: ordinal * 10 + 1, endLine: ordinal * 10 + 9, language: 'markdown', kind: 'doc', title: `T ${ordinal}`, text, hash, ...(ordinal === 1 ? { page: 2 } : {}) };
  });
}

/** Three files' chunks at positions 0.., written in an order other than the table's. */
async function written(dir: string) {
  const files = [chunksOf('a.md', 3), chunksOf('docs/b.md', 2), chunksOf('c.md', 4)];
  const first = [0, 3, 5];
  const file = path.join(dir, 'chunks.bin');
  const ref = await writeChunkTexts(file, 9, [2, 0, 1].map((f) => ({ first: first[f], chunks: () => files[f] })));
  assert.ok(ref);
  const table = files.flatMap((list) => list.map((c, ordinal) => ({ c, ordinal })));
  return { file, ref, table };
}

function openFds(file: string): number {
  const target = (fd: string) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return ''; // the descriptor of the listing itself, gone by now
    }
  };
  return fs.readdirSync('/proc/self/fd').filter((fd) => target(fd) === file).length;
}

test('a chunks file gives back each chunk at its place, in whatever order it was written, and holds no file open between reads', async () => {
  const { file, ref, table } = await written(tempDir());
  const texts = ChunkTexts.open(file, ref);
  assert.ok(texts instanceof ChunkTexts, String(texts));
  table.forEach(({ c, ordinal }, i) => assert.deepEqual(texts.read(i, c.id, c.path, ordinal), c));
  // Asked for another chunk than the one at a place (a snapshot of another version): nothing.
  assert.equal(texts.read(0, table[1].c.id, 'a.md', 0), undefined);
  assert.equal(texts.read(0, table[0].c.id, 'other.md', 0), undefined);
  assert.equal(texts.read(99, table[0].c.id, 'a.md', 0), undefined);
  await Promise.resolve();
  assert.equal(openFds(file), 0, 'closed once the reads were done');
});

test('a chunks file that is damaged, planted, of another snapshot or rewritten in place is refused or passed over, never read as a chunk', async () => {
  const dir = tempDir();
  const { file, ref, table } = await written(dir);
  const good = fs.readFileSync(file);
  assert.match(String(ChunkTexts.open(file, { ...ref, token: '0'.repeat(32) })), /another snapshot/);
  fs.writeFileSync(file, good.subarray(0, good.length - 5));
  assert.equal(typeof ChunkTexts.open(file, ref), 'string');
  // A text changed in place (same length, same id): its id no longer derives from it.
  const forged = Buffer.from(good);
  const at = forged.indexOf('text 1 of a.md');
  forged.write('TEXT', at, 'utf8');
  fs.writeFileSync(file, forged);
  const texts = ChunkTexts.open(file, ref) as ChunkTexts;
  assert.equal(texts.read(1, table[1].c.id, 'a.md', 1), undefined);
  assert.deepEqual(texts.read(0, table[0].c.id, 'a.md', 0), table[0].c);
  // A link, to the real file elsewhere, and a FIFO: refused at once (a FIFO would block a plain open).
  const elsewhere = path.join(tempDir(), 'real.bin');
  fs.writeFileSync(elsewhere, good);
  fs.rmSync(file);
  fs.symlinkSync(elsewhere, file);
  assert.equal(typeof ChunkTexts.open(file, ref), 'string');
  fs.rmSync(file);
  assert.equal(spawnSync('mkfifo', [file]).status, 0);
  assert.equal(typeof ChunkTexts.open(file, ref), 'string');
  // Opened, then replaced by another writer's file: its chunks are not read as this one's.
  fs.rmSync(file);
  fs.writeFileSync(file, good);
  const opened = ChunkTexts.open(file, ref) as ChunkTexts;
  const other = await writeChunkTexts(file, 9, [{ first: 0, chunks: () => table.map((t) => t.c) }]);
  assert.ok(other && other.token !== ref.token);
  await Promise.resolve();
  assert.equal(opened.read(0, table[0].c.id, 'a.md', 0), undefined);
});

test('an index answers with the same chunks from its chunks file, without it, and with it damaged (one warning, chunks from the shards)', async () => {
  const root = tempDir('grounded-chunks-');
  writeCorpus(root, 60, 0);
  const indexDir = path.join(tempDir(), 'index');
  const writer = await Engine.open({ folder: root, indexDir, shardCount: 8, snapshotAfterChunks: 0 });
  await writer.indexAll();
  await writer.close();
  const chunksFile = path.join(indexDir, fs.readdirSync(indexDir).find((n) => n.startsWith('shards-'))!, 'chunks.bin');
  assert.ok(fs.statSync(chunksFile).size > 0, 'a full run writes the chunks file');
  const answers = async () => {
    const log: string[] = [];
    const engine = await Engine.open({ folder: root, indexDir, readOnly: true, log: (m) => log.push(m) });
    const out = [];
    for (const q of ['topic3', 'handler_5 event', 'section talks about topic3 and item9', 'export function return x']) out.push(await engine.query(q, { topK: 12 }));
    await engine.close();
    return { out, log };
  };
  const fromFile = await answers();
  assert.ok(fromFile.out.every((r) => r.length > 0));
  const saved = fs.readFileSync(chunksFile);
  fs.writeFileSync(chunksFile, Buffer.alloc(saved.length, 7));
  const damaged = await answers();
  assert.equal(damaged.log.filter((l) => /chunks file .* is not used/.test(l)).length, 1, damaged.log.join('\n'));
  assert.deepEqual(damaged.out, fromFile.out);
  fs.rmSync(chunksFile);
  assert.deepEqual((await answers()).out, fromFile.out);
});

test('a link or a folder planted where the chunks file goes is never written through: a link is replaced, a folder left, the snapshot still written', async () => {
  const root = tempDir('grounded-chunks-');
  writeCorpus(root, 40, 0);
  const indexDir = path.join(tempDir(), 'index');
  const rewrite = async (version: number) => {
    const log: string[] = [];
    const engine = await Engine.open({ folder: root, indexDir, shardCount: 8, snapshotAfterChunks: 0, log: (m) => log.push(m) });
    engine.warm();
    writeCorpus(root, 40, version);
    await engine.indexAll();
    await engine.close();
    return log;
  };
  await rewrite(0);
  const shards = path.join(indexDir, fs.readdirSync(indexDir).find((n) => n.startsWith('shards-'))!);
  const chunksFile = path.join(shards, 'chunks.bin');
  const outside = path.join(tempDir(), 'victim.bin');
  fs.writeFileSync(outside, 'not Grounded’s');
  fs.rmSync(chunksFile);
  fs.symlinkSync(outside, chunksFile);
  await rewrite(1);
  assert.equal(fs.readFileSync(outside, 'utf8'), 'not Grounded’s');
  assert.ok(fs.lstatSync(chunksFile).isFile(), 'the link was replaced by the new file');
  fs.rmSync(chunksFile);
  fs.mkdirSync(chunksFile);
  fs.writeFileSync(path.join(chunksFile, 'keep.txt'), 'someone else’s');
  const snapshotBefore = fs.statSync(path.join(shards, 'lexical.bin')).mtimeMs;
  const log = await rewrite(2);
  assert.equal(log.filter((l) => /could not write the chunks file/.test(l)).length, 1, log.join('\n'));
  assert.equal(fs.readFileSync(path.join(chunksFile, 'keep.txt'), 'utf8'), 'someone else’s');
  assert.ok(fs.statSync(path.join(shards, 'lexical.bin')).mtimeMs > snapshotBefore, 'the snapshot was written without it');
  assert.deepEqual(fs.readdirSync(shards).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  const engine = await Engine.open({ folder: root, indexDir, readOnly: true });
  assert.ok((await engine.query('topic3')).length > 0);
  await engine.close();
});
