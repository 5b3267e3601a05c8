export interface RankedChunk {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  /** Text hash: two chunks with one text are one result. */
  hash: string;
  score: number;
  /** Kept even when its file has `perFile` chunks already (a high-ranking section of a small file). */
  keepBeyondCap?: boolean;
}

/**
 * Keeps the best of overlapping chunks of one file and of identical texts, and at most `perFile`
 * chunks a file (besides those marked `keepBeyondCap`), in score order, until `topK` are kept.
 */
export function collapseRanked<T extends RankedChunk>(ranked: readonly T[], topK: number, perFile: number): T[] {
  const kept: T[] = [];
  const byPath = new Map<string, T[]>();
  const texts = new Set<string>();
  for (const c of [...ranked].sort((a, b) => b.score - a.score)) {
    if (kept.length >= topK) break;
    if (texts.has(c.hash)) continue;
    const sameFile = byPath.get(c.path) ?? [];
    if (sameFile.length >= perFile && !c.keepBeyondCap) continue;
    if (sameFile.some((o) => c.startLine <= o.endLine && o.startLine <= c.endLine)) continue;
    sameFile.push(c);
    byPath.set(c.path, sameFile);
    texts.add(c.hash);
    kept.push(c);
  }
  return kept;
}
