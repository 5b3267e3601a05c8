import { IndexStatus } from '../engine';
import { SkippedFile } from '../discovery/walk';
import { visibleText } from '../format/visibleText';
import { FreshnessState } from './freshIndex';

/** Skipped files listed in full; past this, only their count (a model needs the pattern, not all of them). */
const MAX_SKIPPED_LISTED = 100;

/** What an agent is told of the index: its size, how fresh it is, and what was left out and why. */
export function indexStatusReport(status: IndexStatus, freshness: FreshnessState, checkedSkips?: readonly SkippedFile[]) {
  // The last check knows every file left out; the index alone only those it read and refused.
  const skipped = checkedSkips ?? status.skipped;
  return {
    folder: status.folder,
    indexDir: status.indexDir,
    retrieval: status.identityText,
    files: status.files,
    chunks: status.chunks,
    updatedAt: status.updatedAt,
    freshness,
    skippedCount: skipped.length,
    skipped: skipped.slice(0, MAX_SKIPPED_LISTED).map((s) => ({ path: visibleText(s.relPath), reason: s.reason })),
    errors: status.errors,
  };
}
