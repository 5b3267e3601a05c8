import { SearchResult } from './types';

/**
 * Gives each result of one query its `relevance`: its score divided by the best score of that query,
 * so the best result has 1 and the rest keep their proportions. A score's scale depends on how it was
 * found (BM25 has no upper bound, a reciprocal-rank fusion of two lists is at most 2/61), so scores
 * from two modes or two indexes cannot be compared; relevances can.
 */
export function withRelevance<T extends Omit<SearchResult, 'relevance'>>(results: readonly T[]): (T & { relevance: number })[] {
  const best = results.reduce((m, r) => Math.max(m, r.score), 0);
  return results.map((r) => ({ ...r, relevance: best > 0 ? Math.round((r.score / best) * 10000) / 10000 : 0 }));
}

/** Results of several indexes as one list, by relevance, best first (ties keep each list's order). */
export function mergeByRelevance<T extends { relevance: number }>(lists: readonly (readonly T[])[], topK: number): T[] {
  return lists.flat().sort((a, b) => b.relevance - a.relevance).slice(0, topK);
}
