import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { test } from 'node:test';
import { decodeVectorFile, encodeVectorFile } from '../../src/core/store/vectorFile';
import { topK, VectorTable } from '../../src/core/store/vectorTable';

/** A seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

test('the SIMD scan ranks exactly as a plain cosine does, for lengths that are not a multiple of 8', () => {
  for (const dims of [3, 13, 768]) {
    const rnd = random(dims);
    const table = new VectorTable(dims);
    const vectors = new Map<string, number[]>();
    for (let i = 0; i < 3000; i++) {
      const v = Array.from({ length: dims }, rnd);
      vectors.set(`c${i}`, v);
      table.set(`c${i}`, v);
    }
    const q = Array.from({ length: dims }, rnd);
    const expected = [...vectors].map(([id, v]) => ({ id, score: cosine(q, v) })).sort((a, b) => b.score - a.score).slice(0, 20);
    const hits = table.search(q, 20);
    assert.deepEqual(hits.map((h) => h.id), expected.map((e) => e.id), `dims ${dims}`);
    hits.forEach((h, i) => assert.ok(Math.abs(h.score - expected[i].score) < 1e-4));
  }
});

test('deleted rows are never returned and their slots are reused; accept filters by id', () => {
  const table = new VectorTable(4);
  table.set('a', [1, 0, 0, 0]);
  table.set('b', [0.9, 0.1, 0, 0]);
  table.set('c', [0, 1, 0, 0]);
  table.delete('a');
  assert.equal(table.size, 2);
  assert.deepEqual(table.search([1, 0, 0, 0], 5).map((h) => h.id), ['b', 'c']);
  table.set('d', [1, 0, 0, 0]);
  assert.deepEqual(table.search([1, 0, 0, 0], 1).map((h) => h.id), ['d']);
  assert.deepEqual(table.search([1, 0, 0, 0], 5, (id) => id !== 'd').map((h) => h.id), ['b', 'c']);
  table.set('b', [0, 0, 1, 0]); // replaced in place
  assert.deepEqual(table.search([0, 0, 1, 0], 1).map((h) => h.id), ['b']);
  assert.throws(() => table.set('e', [1, 2]), /length 2 does not fit an index of 4-dimension/);
  assert.throws(() => table.search([1, 2], 1), /length 2/);
});

test('the table grows past its first block of memory and keeps every row', () => {
  const table = new VectorTable(64);
  const rnd = random(7);
  const rows: number[][] = [];
  for (let i = 0; i < 20000; i++) {
    rows.push(Array.from({ length: 64 }, rnd));
    table.set(`r${i}`, rows[i]);
  }
  for (const i of [0, 1023, 1024, 19999]) {
    assert.equal(table.search(rows[i], 1)[0].id, `r${i}`);
    assert.ok(Math.abs(cosine(table.get(`r${i}`)!, rows[i]) - 1) < 1e-6);
  }
});

test('top-k keeps the best k accepted live rows', () => {
  const scores = Float32Array.from([0.1, 0.9, 0.5, 0.7, 0.3, 0.95]);
  const ids = ['a', 'b', 'c', 'd', undefined, 'f'];
  assert.deepEqual(topK(scores, ids, 3).map((h) => h.id), ['f', 'b', 'd']);
  assert.deepEqual(topK(scores, ids, 3, (id) => id !== 'b').map((h) => h.id), ['f', 'd', 'c']);
  assert.deepEqual(topK(scores, ids, 10).map((h) => h.id), ['f', 'b', 'd', 'c', 'a']);
});

test('a vector file round-trips and refuses a torn or foreign one', () => {
  const ids = ['x', 'y'];
  const data = encodeVectorFile(ids, 3, (id, target, offset) => target.set(id === 'x' ? [1, 2, 3] : [4, 5, 6], offset));
  const decoded = decodeVectorFile(data, 3);
  assert.deepEqual(decoded.ids, ids);
  assert.deepEqual([...decoded.rows], [1, 2, 3, 4, 5, 6]);
  assert.throws(() => decodeVectorFile(data.subarray(0, data.length - 1), 3), /cut short/);
  assert.throws(() => decodeVectorFile(data, 4), /3 dimensions, the index 4/);
  assert.throws(() => decodeVectorFile(Buffer.from('not vectors at all'), 3), /not a vector file/);
});

test('the committed kernel bytes are what the .wat source compiles to', () => {
  const root = path.resolve(__dirname, '../../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-wasm.mjs'), '--check'], { stdio: 'pipe' });
});
