import { IndexSummary } from '../core/engine';
import { visibleText } from '../core/format/visibleText';

export interface TextSink {
  write(text: string): unknown;
}

export interface IndexProgressEvent {
  phase: string;
  done: number;
  total: number;
}

/**
 * Indexing progress on one terminal line, rewritten in place at most every `everyMs`, so a first
 * `ask` that indexes for seconds does not look hung; `clear` wipes it before results are printed.
 */
export function terminalProgress(sink: TextSink, now: () => number = Date.now, everyMs = 100) {
  let last = -Infinity;
  let shown = false;
  return {
    update(p: IndexProgressEvent): void {
      if (now() - last < everyMs) return;
      last = now();
      shown = true;
      sink.write(`\r\x1b[K${p.phase} ${p.total ? `${p.done}/${p.total}` : ''}`);
    },
    clear(): void {
      if (shown) sink.write('\r\x1b[K');
      shown = false;
    },
  };
}

/**
 * What bringing the index up to date before a query did, as one line, or nothing when the index was
 * already current (a script that queries in a loop gets a quiet stderr).
 */
export function freshnessLine(s: IndexSummary): string | undefined {
  const changed = s.added + s.updated + s.removed + s.renamed;
  if (changed === 0 && s.failed.length === 0 && !s.error) return undefined;
  const failed = s.failed.length ? `, ${s.failed.length} failed` : '';
  const stopped = s.error ? `; stopped early: ${visibleText(s.error)}` : '';
  return `Index updated: ${s.added} added, ${s.updated} updated, ${s.removed} removed, ${s.renamed} renamed${failed} (${s.chunks} chunks, ${(s.ms / 1000).toFixed(1)} s)${stopped}.`;
}
