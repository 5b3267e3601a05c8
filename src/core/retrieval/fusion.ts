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

/**
 * Fuses a second ranking (a rewritten question) into the first by reciprocal rank, over the union:
 * nothing of the first is dropped, the second only adds candidates and lifts what both found.
 */
export function addCandidates<T extends { score: number }>(first: readonly T[], second: readonly T[], idOf: (t: T) => string): T[] {
  const byId = new Map<string, T>();
  for (const t of [...second, ...first]) byId.set(idOf(t), t);
  const fused = reciprocalRankFusion([first.map(idOf), second.map(idOf)]);
  return [...fused].sort((a, b) => b[1] - a[1]).map(([id, score]) => ({ ...byId.get(id)!, score }));
}
