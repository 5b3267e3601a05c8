/** File-level retrieval metrics with binary relevance. `ranked`: paths best first (already folded to files). */

export function foldToFiles(results) {
  const seen = new Set();
  const files = [];
  for (const r of results) {
    if (!seen.has(r.path)) {
      seen.add(r.path);
      files.push(r.path);
    }
  }
  return files;
}

export function recallAt(ranked, gold, k) {
  if (gold.size === 0) return 0;
  let hit = 0;
  for (const p of ranked.slice(0, k)) if (gold.has(p)) hit++;
  return hit / gold.size;
}

export function mrrAt(ranked, gold, k) {
  const i = ranked.slice(0, k).findIndex((p) => gold.has(p));
  return i === -1 ? 0 : 1 / (i + 1);
}

export function ndcgAt(ranked, gold, k) {
  let dcg = 0;
  ranked.slice(0, k).forEach((p, i) => {
    if (gold.has(p)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(gold.size, k); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Mean of each metric over queries: `runs` is [{ ranked, gold }]. */
export function summarise(runs) {
  const mean = (f) => runs.reduce((s, r) => s + f(r), 0) / Math.max(1, runs.length);
  return {
    queries: runs.length,
    r1: mean((r) => recallAt(r.ranked, r.gold, 1)),
    r5: mean((r) => recallAt(r.ranked, r.gold, 5)),
    r10: mean((r) => recallAt(r.ranked, r.gold, 10)),
    mrr10: mean((r) => mrrAt(r.ranked, r.gold, 10)),
    ndcg10: mean((r) => ndcgAt(r.ranked, r.gold, 10)),
  };
}
