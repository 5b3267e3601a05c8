import { SkippedFile } from '../discovery/walk';
import { FileSummary } from '../store/records';

export interface IndexCounts {
  /** Files whose text is in the index. */
  indexed: number;
  /** Every file seen and not indexed, with why: declined by discovery (rules, size, links) or on reading (binary, secret, …). */
  skipped: SkippedFile[];
}

/**
 * The one definition of indexed and skipped that the CLI, the status page, the log and the progress
 * report share, so that a full run, a run with nothing to do and `status` give the same figures.
 */
/** Chunks and characters of chunk text in a store's file entries (no chunk is read). */
export function storeSize(files: Iterable<FileSummary>): { chunks: number; textChars: number } {
  let chunks = 0;
  let textChars = 0;
  for (const f of files) {
    chunks += f.chunkCount;
    textChars += f.chars;
  }
  return { chunks, textChars };
}

export function indexCounts(files: Iterable<FileSummary>, discoverySkips: readonly SkippedFile[]): IndexCounts {
  const skipped = new Map<string, SkippedFile>();
  let indexed = 0;
  for (const s of discoverySkips) skipped.set(s.relPath, s);
  for (const { record } of files) {
    if (record.skipped) skipped.set(record.path, { relPath: record.path, reason: record.skipped });
    else indexed++;
  }
  return { indexed, skipped: [...skipped.values()].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0)) };
}
