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

/** A standard normal from a generator in [-0.5, 0.5). */
function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() + 0.5 || 1e-12)) * Math.cos(2 * Math.PI * next());
}

/**
 * Vectors shaped like an embedding model's rather than uniform noise: a variance that falls off across
 * the dimensions, a few dimensions with a large offset common to every row (the outliers real models
 * have, which are what a per-row int8 scale handles worst), and rows gathered around 40 topics.
 * Queries are near one row, so the top scores crowd together where an int8 error matters most.
 */
function embeddingLike(dims: number, rows: number, queries: number, seed: number): { rows: number[][]; queries: number[][] } {
  const next = random(seed);
  const spread = Array.from({ length: dims }, (_, d) => 1 / (1 + d / (dims / 16)));
  const offset = (d: number) => (d < 3 ? 3 : 0);
  const topics = Array.from({ length: 40 }, () => spread.map((s, d) => offset(d) + s * gaussian(next)));
  const made = Array.from({ length: rows }, () => topics[Math.floor((next() + 0.5) * topics.length)].map((x, d) => x + 0.5 * spread[d] * gaussian(next)));
  const near = Array.from({ length: queries }, () => made[Math.floor((next() + 0.5) * rows)].map((x, d) => x + (1.2 / Math.sqrt(dims)) * spread[d] * gaussian(next)));
  return { rows: made, queries: near };
}

for (const dims of [384, 768]) {
  test(`int8 scan with exact rescoring: recall@10 ≥ 0.99 against the float scan, ${dims} dims, and exact scores`, () => {
    const data = embeddingLike(dims, 6000, 40, dims);
    const table = new VectorTable(dims);
    data.rows.forEach((v, i) => table.set(`c${i}`, v));
    let found = 0;
    for (const q of data.queries) {
      const exact = table.searchExact(q, 10);
      const hits = table.search(q, 10);
      const truth = new Set(exact.map((h) => h.id));
      found += hits.filter((h) => truth.has(h.id)).length;
      // Rescored by the float kernel: the very score the float scan gives, and a true cosine.
      assert.equal(hits[0].id, exact[0].id);
      assert.equal(hits[0].score, exact[0].score);
      const row = data.rows[Number(hits[0].id.slice(1))];
      assert.ok(Math.abs(hits[0].score - cosine(q, row)) < 1e-5, `${hits[0].score} vs ${cosine(q, row)}`);
      const exactOf = new Map(exact.map((h) => [h.id, h.score]));
      for (const h of hits) if (exactOf.has(h.id)) assert.equal(h.score, exactOf.get(h.id));
    }
    const recall = found / (10 * data.queries.length);
    assert.ok(recall >= 0.99, `recall@10 ${recall}`);
  });
}

test('search cuts its candidates by the int8 rows: a row the int8 rounding ranks below the cut is missed', () => {
  // In units of one int8 step, the best row is (0.49, 0.49) off the first axis and rounds to (0, 0);
  // the decoys are (0.51, 0) and round to (1, 0). Exactly the best row wins, in int8 every decoy does,
  // and there are more decoys than candidates: this proves the search scans the int8 rows.
  const step = 1 / 127;
  const table = new VectorTable(3);
  table.set('best', [1, 0.49 * step, 0.49 * step]);
  for (let i = 0; i < 100; i++) table.set(`decoy${i}`, [1, 0.51 * step, 0]);
  const q = [1, 1, 1];
  assert.equal(table.searchExact(q, 1)[0].id, 'best');
  assert.match(table.search(q, 1)[0].id, /^decoy/);
  // With room for every decoy (and still fewer candidates than rows), rescoring puts the best row first.
  const roomy = new VectorTable(3, { oversample: 101 });
  roomy.set('best', [1, 0.49 * step, 0.49 * step]);
  for (let i = 0; i < 100; i++) roomy.set(`decoy${i}`, [1, 0.51 * step, 0]);
  for (let i = 0; i < 50; i++) roomy.set(`far${i}`, [-1, 0, 0]);
  assert.deepEqual(roomy.search(q, 1), table.searchExact(q, 1));
});

test('accept filters before the candidates are cut, deleted rows never come back, oversample 0 is the float scan', () => {
  const dims = 32;
  const next = random(3);
  const table = new VectorTable(dims);
  const exactOnly = new VectorTable(dims, { oversample: 0 });
  const rows = Array.from({ length: 3000 }, () => Array.from({ length: dims }, () => gaussian(next)));
  rows.forEach((v, i) => {
    table.set(`r${i}`, v);
    exactOnly.set(`r${i}`, v);
  });
  const q = rows[17];
  assert.equal(table.search(q, 1)[0].id, 'r17');
  const odd = table.search(q, 10, (id) => Number(id.slice(1)) % 2 === 1);
  assert.equal(odd.length, 10);
  assert.ok(odd.every((h) => Number(h.id.slice(1)) % 2 === 1));
  assert.deepEqual(odd, table.searchExact(q, 10, (id) => Number(id.slice(1)) % 2 === 1));
  table.delete('r17');
  assert.ok(!table.search(q, 100).some((h) => h.id === 'r17'));
  table.set('r17', rows[17]); // reuses the freed slot, its int8 row rewritten
  assert.equal(table.search(q, 1)[0].id, 'r17');
  assert.deepEqual(exactOnly.search(q, 25), table.searchExact(q, 25));
});
