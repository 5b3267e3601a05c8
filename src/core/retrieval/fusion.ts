/**
 * Reciprocal-rank fusion: each list contributes 1 / (k + rank) to an id's score. It needs no score
 * calibration between BM25 and cosine similarity, which live on unrelated scales.
 */
export function reciprocalRankFusion(lists: readonly (readonly string[])[], k = 60): Map<string, number> {
  const fused = new Map<string, number>();
  for (const list of lists) {
    list.forEach((id, rank) => fused.set(id, (fused.get(id) ?? 0) + 1 / (k + rank + 1)));
  }
  return fused;
}
