/** Where a chunk sits in its file, and its text's hash: what collapsing needs beyond the rank. */
export interface ChunkSpan {
  startLine: number;
  endLine: number;
  /** Text hash: two chunks with one text are one result. */
  hash: string;
}

export interface RankedChunk {
  path: string;
  score: number;
  /** Kept even when its file has `perFile` chunks already (a high-ranking section of a small file). */
  keepBeyondCap?: boolean;
}

/**
 * Keeps the best of overlapping chunks of one file and of identical texts, and at most `perFile`
 * chunks a file (besides those marked `keepBeyondCap`), in score order, until `topK` are kept.
 * `spanOf` is asked only of the candidates looked at (the chunk may have to be read for it);
 * a candidate without one is passed over.
 */
export function collapseRanked<T extends RankedChunk>(ranked: readonly T[], topK: number, perFile: number, spanOf: (c: T) => ChunkSpan | undefined): T[] {
  const kept: T[] = [];
  const byPath = new Map<string, ChunkSpan[]>();
  const texts = new Set<string>();
  for (const c of [...ranked].sort((a, b) => b.score - a.score)) {
    if (kept.length >= topK) break;
    const sameFile = byPath.get(c.path) ?? [];
    if (sameFile.length >= perFile && !c.keepBeyondCap) continue;
    const span = spanOf(c);
    if (!span || texts.has(span.hash)) continue;
    if (sameFile.some((o) => span.startLine <= o.endLine && o.startLine <= span.endLine)) continue;
    sameFile.push(span);
    byPath.set(c.path, sameFile);
    texts.add(span.hash);
    kept.push(c);
  }
  return kept;
}
