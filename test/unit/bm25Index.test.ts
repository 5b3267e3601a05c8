import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bm25Index } from '../../src/core/lexical/bm25Index';

test('ranks by term rarity and frequency', () => {
  const idx = new Bm25Index();
  const a = idx.add(['index', 'store', 'shard', 'shard']);
  const b = idx.add(['index', 'query']);
  const c = idx.add(['index', 'hover']);
  const hits = idx.search(['shard', 'index'], 10);
  assert.equal(hits[0].slot, a);
  assert.equal(hits.length, 3);
  assert.deepEqual(idx.search(['query'], 10).map((h) => h.slot), [b]);
  assert.deepEqual(idx.search(['hover'], 10).map((h) => h.slot), [c]);
});

test('removed documents are never returned and statistics follow', () => {
  const idx = new Bm25Index();
  const a = idx.add(['alpha', 'beta']);
  const b = idx.add(['alpha']);
  idx.remove(a, ['alpha', 'beta']);
  assert.equal(idx.size, 1);
  assert.deepEqual(idx.search(['beta'], 10), []);
  assert.deepEqual(idx.search(['alpha'], 10).map((h) => h.slot), [b]);
  // Removing many documents compacts postings lazily without losing live ones.
  const slots = Array.from({ length: 50 }, () => idx.add(['gamma']));
  for (const s of slots.slice(0, 45)) idx.remove(s, ['gamma']);
  assert.deepEqual(idx.search(['gamma'], 100).map((h) => h.slot).sort((x, y) => x - y), slots.slice(45));
});

test('a filter excludes slots and the limit holds', () => {
  const idx = new Bm25Index();
  const slots = Array.from({ length: 20 }, () => idx.add(['word']));
  const hits = idx.search(['word'], 5, (s) => s % 2 === 0);
  assert.equal(hits.length, 5);
  assert.ok(hits.every((h) => h.slot % 2 === 0 && slots.includes(h.slot)));
});

test('a document outside the index scores like one inside it', () => {
  const idx = new Bm25Index();
  idx.add(['other', 'words']);
  const inside = idx.add(['needle', 'hay']);
  const score = idx.search(['needle'], 1)[0].score;
  const outside = idx.scoreExternal(['needle', 'hay'], ['needle']);
  assert.ok(Math.abs(outside - score) < 1e-9);
  assert.equal(idx.search(['needle'], 1)[0].slot, inside);
});
