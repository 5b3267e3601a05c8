/** During a full run, write the index after this many files, or after this long. */
const FLUSH_EVERY_MS = 10_000;
/** A write during a full run waits at least this many times as long as the previous write took. */
const FLUSH_COST_SPACING = 4;

/**
 * When a full run writes what it has so far: a kill loses at most that much work. During a first
 * index every shard is dirty at every write, so a write costs as much as the index so far; spacing
 * writes by their own cost keeps them under a fifth of the run.
 */
export function createFlushPacer(everyFiles: number, flush: () => Promise<void>, now: () => number = Date.now) {
  let lastFlush = now();
  let lastFlushMs = 0;
  let sinceFlush = 0;
  return {
    /** Called after each file; writes when due, calling `onWriting` first. */
    async afterFile(onWriting: () => void): Promise<void> {
      sinceFlush++;
      const due = sinceFlush >= everyFiles || now() - lastFlush > FLUSH_EVERY_MS;
      if (!due || now() - lastFlush < FLUSH_COST_SPACING * lastFlushMs) return;
      onWriting();
      const started = now();
      await flush();
      lastFlushMs = now() - started;
      sinceFlush = 0;
      lastFlush = now();
    },
  };
}
