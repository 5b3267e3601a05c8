/**
 * File-level retrieval metrics with binary relevance, for bench/eval.mjs. Pure functions, no dependencies.
 *
 * `ranked` is a list of file paths, best first, each path at most once (fold chunk results with
 * `foldToFiles` first); `gold` is the set (or array) of relevant paths for the query.
 */

const asSet = (gold) => (gold instanceof Set ? gold : new Set(gold));

/** Chunk results (objects with `path`, or plain path strings), best first → file paths, best first, each at its first occurrence. */
export function foldToFiles(results) {
  const seen = new Set();
  const files = [];
  for (const r of results) {
    const p = typeof r === 'string' ? r : r.path;
    if (typeof p !== 'string' || seen.has(p)) continue;
    seen.add(p);
    files.push(p);
  }
  return files;
}

/** Share of the gold files found in the first k. 0 when there is no gold. */
export function recallAt(ranked, gold, k) {
  const g = asSet(gold);
  if (g.size === 0) return 0;
  let hit = 0;
  for (const p of ranked.slice(0, k)) if (g.has(p)) hit++;
  return hit / g.size;
}

/** Reciprocal rank of the first gold file within the first k; 0 when none is there. */
export function mrrAt(ranked, gold, k) {
  const g = asSet(gold);
  const i = ranked.slice(0, k).findIndex((p) => g.has(p));
  return i === -1 ? 0 : 1 / (i + 1);
}

/** Binary-relevance nDCG@k: DCG = Σ 1/log2(rank+1) over gold files in the first k; the ideal DCG places min(#gold, k) gold files first. */
export function ndcgAt(ranked, gold, k) {
  const g = asSet(gold);
  let dcg = 0;
  ranked.slice(0, k).forEach((p, i) => {
    if (g.has(p)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(g.size, k); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Every metric for one query. */
export function scoreQuery(ranked, gold) {
  return {
    r1: recallAt(ranked, gold, 1),
    r5: recallAt(ranked, gold, 5),
    r10: recallAt(ranked, gold, 10),
    mrr10: mrrAt(ranked, gold, 10),
    ndcg10: ndcgAt(ranked, gold, 10),
  };
}

/** Mean of each metric over queries; `runs` is [{ ranked, gold }]. */
export function summarise(runs) {
  const sum = { r1: 0, r5: 0, r10: 0, mrr10: 0, ndcg10: 0 };
  for (const r of runs) {
    const s = scoreQuery(r.ranked, r.gold);
    for (const k of Object.keys(sum)) sum[k] += s[k];
  }
  const n = Math.max(1, runs.length);
  return {
    queries: runs.length,
    r1: sum.r1 / n,
    r5: sum.r5 / n,
    r10: sum.r10 / n,
    mrr10: sum.mrr10 / n,
    ndcg10: sum.ndcg10 / n,
  };
}
