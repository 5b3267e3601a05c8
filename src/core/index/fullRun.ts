import * as path from 'path';
import { abortError } from '../abortError';
import { readDocument } from '../discovery/readDocument';
import { TextRead } from '../discovery/readText';
import { discoverFiles, SkippedFile } from '../discovery/walk';
import { EmbeddingError } from '../embed/embedder';
import { errorText } from '../errorText';
import { indexingTurn } from '../turnBudget';
import { indexCounts, storeSize } from './counts';
import { ChunkedAhead, chunkIfChanged, forgetFile, indexRead, IndexOutcome } from './fileIndexer';
import { createFlushPacer } from './flushPacer';
import { IndexContext } from './indexContext';
import { ChangePlan, planChanges } from './plan';

export interface IndexProgress {
  phase: 'discovering' | 'indexing' | 'writing' | 'done';
  done: number;
  total: number;
  path?: string;
}

export interface IndexAllOptions {
  signal?: AbortSignal;
  onProgress?: (p: IndexProgress) => void;
  /** Awaited before each file: resolves at once unless indexing is paused. */
  gate?: () => Promise<void>;
}

export interface IndexSummary {
  /** Files whose text is in the index after the run (see `indexCounts`). */
  files: number;
  added: number;
  updated: number;
  removed: number;
  renamed: number;
  unchanged: number;
  /** Every file not indexed, with why; the same list `status` gives. */
  skipped: SkippedFile[];
  failed: SkippedFile[];
  chunks: number;
  embedded: number;
  ms: number;
  rebuildReason?: string;
  /** Why the run stopped early (a bad key, an unknown model): the files not reached stay queued for the next run. */
  error?: string;
}

/** Files read ahead of the one being chunked: reading is I/O-bound and overlaps with chunking. */
const READ_AHEAD = 16;
/** Past this many files to read or remove, a full run opens the catalog and keeps it in step. */
const OPEN_CATALOG_FOR_FILES = 200;

/** A full run's result, and what discovery and reading declined (status lists it). */
export interface FullRunResult {
  summary: IndexSummary;
  skips: SkippedFile[];
}

/** Brings the index in line with the folder: reads only what changed, removes what is gone. */
export async function runFullIndex(ctx: IndexContext, opts: IndexAllOptions & { flushEveryFiles: number; rebuildReason?: string }, onDiscovered: (skips: SkippedFile[]) => void): Promise<FullRunResult> {
  const started = Date.now();
  const { signal, onProgress } = opts;
  onProgress?.({ phase: 'discovering', done: 0, total: 0 });
  const discovery = await discoverFiles(ctx.folder, ctx.config, ctx.filter);
  onDiscovered(discovery.skipped);
  await ctx.store.sizeFor(discovery.files.length);
  const plan = planChanges(discovery.files, [...ctx.store.fileSummaries()].map((e) => e.record));
  // Many changes: the catalog follows them as they come (rebuilding it from the store afterwards would
  // tokenize them twice). A few: it is left closed, and reads them from the store if it is opened.
  if (plan.toRead.length + plan.removed.length > OPEN_CATALOG_FOR_FILES) ctx.catalog();
  const summary = emptySummary(discovery.files.length, plan, discovery.skipped, opts.rebuildReason);
  const removedHashes = removeGone(ctx, plan, summary);
  await indexPlanned(ctx, plan, summary, removedHashes, opts);
  const total = plan.toRead.length;
  onProgress?.({ phase: 'writing', done: total, total });
  await ctx.flush();
  ctx.store.releaseShardCache();
  // Files that could not be read at all have no entry in the store; they are skipped files too.
  const skips = [...discovery.skipped, ...summary.skipped.filter((s) => !ctx.store.getRecord(s.relPath))];
  const counts = indexCounts(ctx.store.fileSummaries(), skips);
  Object.assign(summary, { files: counts.indexed, skipped: counts.skipped, chunks: storeSize(ctx.store.fileSummaries()).chunks, ms: Date.now() - started });
  onProgress?.({ phase: 'done', done: total, total });
  if (signal?.aborted) throw abortError();
  return { summary, skips };
}

function emptySummary(files: number, plan: ChangePlan, skipped: SkippedFile[], rebuildReason: string | undefined): IndexSummary {
  return { files, added: 0, updated: 0, removed: 0, renamed: 0, unchanged: plan.unchanged, skipped: [...skipped], failed: [], chunks: 0, embedded: 0, ms: 0, rebuildReason };
}

/** Removes the files that are gone; returns their hashes, so a file of the same content is a rename. */
function removeGone(ctx: IndexContext, plan: ChangePlan, summary: IndexSummary): Map<string, string> {
  const removedHashes = new Map<string, string>();
  for (const p of plan.removed) {
    const gone = forgetFile(ctx, p);
    if (gone) removedHashes.set(gone.hash, p);
    summary.removed++;
  }
  return removedHashes;
}

/** Reads, chunks and stores each planned file in turn, with the next ones read ahead. */
async function indexPlanned(ctx: IndexContext, plan: ChangePlan, summary: IndexSummary, removedHashes: Map<string, string>, opts: IndexAllOptions & { flushEveryFiles: number }): Promise<void> {
  const { signal, onProgress, gate } = opts;
  const total = plan.toRead.length;
  const pacer = createFlushPacer(opts.flushEveryFiles, ctx.flush);
  const reads: Promise<{ read: TextRead; ahead?: ChunkedAhead }>[] = [];
  // Files ahead are read, and their code sent to the chunking threads, while this one is indexed.
  const readAt = (i: number) =>
    (reads[i] ??= readDocument(path.join(ctx.folder, plan.toRead[i].relPath), ctx.config).then((read) => ({ read, ahead: chunkIfChanged(ctx, plan.toRead[i].relPath, read) })));
  for (let i = 0; i < total; i++) {
    if (gate) await gate();
    if (signal?.aborted) break;
    // Read-ahead promises are usually settled already, so awaiting them never returns to the event
    // loop; hand it back every few milliseconds so queries and messages are served during a full run.
    await indexingTurn();
    const relPath = plan.toRead[i].relPath;
    for (let j = i + 1; j < Math.min(total, i + READ_AHEAD); j++) readAt(j);
    onProgress?.({ phase: 'indexing', done: i, total, path: relPath });
    const stop = await indexPlannedFile(ctx, relPath, () => readAt(i).finally(() => delete reads[i]), summary, removedHashes, signal);
    if (stop) break;
    await pacer.afterFile(() => onProgress?.({ phase: 'writing', done: i + 1, total }));
  }
}

/** One file of a full run, counted in the summary; true when the run must stop (cancelled, or an error every file would meet). */
async function indexPlannedFile(ctx: IndexContext, relPath: string, read: () => Promise<{ read: TextRead; ahead?: ChunkedAhead }>, summary: IndexSummary, removedHashes: Map<string, string>, signal?: AbortSignal): Promise<boolean> {
  const before = ctx.store.getRecord(relPath);
  try {
    const got = await read();
    tally(summary, relPath, await indexRead(ctx, relPath, got.read, signal, got.ahead), !!before, removedHashes);
    return false;
  } catch (err) {
    if ((err as Error).name === 'AbortError') return true;
    summary.failed.push({ relPath, reason: errorText(err) });
    ctx.log(`Could not index ${relPath}: ${errorText(err)}`);
    if (!(err instanceof EmbeddingError && err.fatal)) return false;
    // Every other file would fail the same way; what is indexed stays, the rest waits for the next run.
    summary.error = err.message;
    return true;
  }
}

function tally(summary: IndexSummary, relPath: string, outcome: IndexOutcome, existed: boolean, removedHashes: Map<string, string>): void {
  if (outcome === 'unchanged') {
    summary.unchanged++;
    return;
  }
  summary.embedded += outcome.embedded;
  if (outcome.skipped) summary.skipped.push({ relPath, reason: outcome.skipped });
  else if (existed) summary.updated++;
  else if (removedHashes.has(outcome.hash)) {
    summary.renamed++;
    summary.removed--;
  } else summary.added++;
}
