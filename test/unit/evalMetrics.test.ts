import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

// bench/eval-metrics.mjs is plain ESM (the eval harness runs without compiling). tsc turns `import()` into
// `require()` under "module": "commonjs", which cannot load ESM on every Node 20, so import it for real.
const importEsm = new Function('url', 'return import(url)') as (url: string) => Promise<Metrics>;
const load = () => importEsm(pathToFileURL(path.resolve(__dirname, '../../../bench/eval-metrics.mjs')).href);

type Gold = Set<string> | string[];
interface Metrics {
  foldToFiles(results: Array<{ path: string } | string>): string[];
  recallAt(ranked: string[], gold: Gold, k: number): number;
  mrrAt(ranked: string[], gold: Gold, k: number): number;
  ndcgAt(ranked: string[], gold: Gold, k: number): number;
  summarise(runs: Array<{ ranked: string[]; gold: Gold }>): { queries: number; r1: number; r5: number; r10: number; mrr10: number; ndcg10: number };
}

const close = (actual: number, expected: number, within = 1e-9) => assert.ok(Math.abs(actual - expected) < within, `${actual} ≉ ${expected}`);

test('chunks fold to files at the first occurrence of each path', async () => {
  const { foldToFiles } = await load();
  const chunks = [{ path: 'a.py' }, { path: 'b.md' }, { path: 'a.py' }, { path: 'c.py' }, { path: 'b.md' }];
  assert.deepEqual(foldToFiles(chunks), ['a.py', 'b.md', 'c.py']);
  assert.deepEqual(foldToFiles(['x', 'x', 'y']), ['x', 'y']);
});

test('recall, MRR and nDCG on a hand-computed ranking', async () => {
  const { recallAt, mrrAt, ndcgAt } = await load();
  // Gold g1, g2, g3; retrieved at ranks 2 and 4; g3 missed.
  const ranked = ['x', 'g1', 'y', 'g2', 'z'];
  const gold = new Set(['g1', 'g2', 'g3']);
  close(recallAt(ranked, gold, 1), 0);
  close(recallAt(ranked, gold, 2), 1 / 3);
  close(recallAt(ranked, gold, 10), 2 / 3);
  close(mrrAt(ranked, gold, 10), 1 / 2);
  close(mrrAt(ranked, gold, 1), 0);
  // DCG = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677; ideal = 1 + 1/log2(3) + 1/log2(4) = 2.130930.
  close(ndcgAt(ranked, gold, 10), (1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 0.5));
  close(ndcgAt(ranked, gold, 10), 0.498189, 1e-6);
  // Gold as an array works the same.
  close(ndcgAt(ranked, ['g1', 'g2', 'g3'], 10), 0.498189, 1e-6);
});

test('a single gold file: rank 1 scores 1, rank 3 scores 1/3 (MRR) and 0.5 (nDCG), absent scores 0', async () => {
  const { recallAt, mrrAt, ndcgAt } = await load();
  const gold = new Set(['g']);
  for (const f of [recallAt, mrrAt, ndcgAt]) close(f(['g', 'a'], gold, 10), 1);
  close(mrrAt(['a', 'b', 'g'], gold, 10), 1 / 3);
  close(ndcgAt(['a', 'b', 'g'], gold, 10), 0.5);
  close(recallAt(['a', 'b', 'g'], gold, 2), 0);
  for (const f of [recallAt, mrrAt, ndcgAt]) close(f(['a', 'b'], gold, 10), 0);
  for (const f of [recallAt, mrrAt, ndcgAt]) close(f([], gold, 10), 0);
  // Beyond k does not count.
  const late = [...'abcdefhijk'].concat('g');
  for (const f of [recallAt, mrrAt, ndcgAt]) close(f(late, gold, 10), 0);
});

test('nDCG\'s ideal DCG counts at most k gold files, so more gold than k can still score 1', async () => {
  const { recallAt, ndcgAt } = await load();
  const gold = Array.from({ length: 12 }, (_, i) => `g${i}`);
  close(ndcgAt(gold, gold, 10), 1);
  close(recallAt(gold, gold, 10), 10 / 12);
  // Two gold files, only the second retrieved, at rank 1: DCG 1, ideal 1 + 1/log2(3).
  close(ndcgAt(['b'], ['a', 'b'], 10), 1 / (1 + 1 / Math.log2(3)));
});

test('summarise averages every metric over queries', async () => {
  const { summarise } = await load();
  const s = summarise([
    { ranked: ['g'], gold: new Set(['g']) }, // all 1
    { ranked: ['a', 'b', 'c', 'd', 'e', 'g'], gold: new Set(['g']) }, // rank 6: R@1 0, R@5 0, R@10 1, MRR 1/6, nDCG 1/log2(7)
  ]);
  assert.equal(s.queries, 2);
  close(s.r1, 0.5);
  close(s.r5, 0.5);
  close(s.r10, 1);
  close(s.mrr10, (1 + 1 / 6) / 2);
  close(s.ndcg10, (1 + 1 / Math.log2(7)) / 2);
});
