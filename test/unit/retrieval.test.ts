import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collapseRanked } from '../../src/core/retrieval/collapse';
import { reciprocalRankFusion } from '../../src/core/retrieval/fusion';

test('reciprocal-rank fusion favours ids ranked well by both lists', () => {
  const fused = reciprocalRankFusion([['a', 'b', 'c'], ['b', 'd', 'a']]);
  const order = [...fused].sort((x, y) => y[1] - x[1]).map(([id]) => id);
  assert.deepEqual(order, ['b', 'a', 'd', 'c']);
  assert.ok(Math.abs(fused.get('b')! - (1 / 62 + 1 / 61)) < 1e-12);
});

test('collapse drops overlapping ranges of one file, duplicate texts, and caps chunks a file', () => {
  const c = (id: string, p: string, s: number, e: number, score: number, hash = id) => ({ id, path: p, startLine: s, endLine: e, score, hash });
  const kept = collapseRanked([c('1', 'a', 1, 10, 9), c('2', 'a', 5, 15, 8), c('3', 'b', 1, 5, 7, 'same'), c('4', 'c', 1, 5, 6, 'same'), c('5', 'a', 20, 30, 5), c('6', 'a', 40, 50, 4)], 10, 2, (x) => x);
  assert.deepEqual(kept.map((k) => k.id), ['1', '3', '5']);
  assert.equal(collapseRanked([c('1', 'a', 1, 2, 1), c('2', 'b', 1, 2, 2)], 1, 3, (x) => x)[0].id, '2');
});
