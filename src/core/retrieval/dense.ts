export interface Scored {
  index: number;
  score: number;
}

export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** Cosine similarity of `query` against each vector, best `k` first; vectors of another length are skipped. */
export function cosineTopK(query: ArrayLike<number>, vectors: readonly (ArrayLike<number> | undefined)[], k: number, accept?: (i: number) => boolean): Scored[] {
  const qn = norm(query) || 1;
  const scored: Scored[] = [];
  for (let i = 0; i < vectors.length; i++) {
    const v = vectors[i];
    if (!v || v.length !== query.length || (accept && !accept(i))) continue;
    let dot = 0;
    for (let j = 0; j < v.length; j++) dot += v[j] * query[j];
    scored.push({ index: i, score: dot / (qn * (norm(v) || 1)) });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, k);
}
