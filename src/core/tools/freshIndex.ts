import * as path from 'path';
import { createPathFilter } from '../discovery/pathFilter';
import { SkippedFile } from '../discovery/walk';
import { directoriesOf, FolderWatcher, watchFolder, WatchMode } from '../discovery/folderWatcher';
import { Engine, IndexSummary } from '../engine';
import { errorText } from '../errorText';

export interface FreshnessState {
  /** A check of the folder is running (at startup, the first one). */
  reconciling: boolean;
  /** When the last completed check started (ISO), or undefined before the first. */
  checkedAt?: string;
  /** Changes the watcher reported that no check has picked up yet. */
  pendingChanges: number;
  watch: WatchMode;
  /** What the last completed check found. */
  last?: Pick<IndexSummary, 'added' | 'updated' | 'removed' | 'renamed' | 'unchanged' | 'ms' | 'error'>;
  lastError?: string;
}

export interface FreshIndexOptions {
  log?: (message: string) => void;
  /** With a watcher and no reported change, a call still checks the folder when the last check is older than this. */
  maxAgeMs?: number;
  watchMode?: WatchMode;
}

/** A watcher can miss a change (a file written into a directory created a moment before): checks still happen this often. */
const MAX_AGE_MS = 30_000;
/** How long a call waits for the first build of an index that does not exist yet, before answering from what is there. */
const FIRST_BUILD_WAIT_MS = 20_000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Keeps an engine's index in line with its folder while a long-lived server answers from it. Before a
 * call, the folder is checked (a stat pass: only files whose size or time changed are read) unless the
 * watcher saw nothing since the last check; the watcher also starts a check as soon as something changes.
 * The startup check runs in the background, and calls during it are answered from the index as it is.
 */
export class FreshIndex {
  private readonly watcher: FolderWatcher;
  private readonly maxAgeMs: number;
  private running: Promise<void> | undefined;
  private startup: Promise<void> | undefined;
  private pending = 0;
  private lastStarted = 0;
  private lastCheck: FreshnessState['last'];
  private lastError: string | undefined;
  private lastSkipped: SkippedFile[] | undefined;
  private closed = false;
  private readonly stop = new AbortController();

  constructor(readonly engine: Engine, private readonly opts: FreshIndexOptions = {}) {
    this.maxAgeMs = opts.maxAgeMs ?? MAX_AGE_MS;
    const indexRel = path.relative(engine.folder, engine.indexDir).split(path.sep).join('/');
    const insideIndex = (rel: string) => !indexRel.startsWith('..') && (rel === indexRel || rel.startsWith(indexRel + '/'));
    const filter = createPathFilter(engine.folder, engine.config);
    const excludedDir = (rel: string) => rel.split('/').some((_, i, parts) => !!filter.checkEntry(parts.slice(0, i + 1).join('/'), true));
    this.watcher = watchFolder(engine.folder, () => this.changed(), {
      ignore: insideIndex,
      watchable: (rel) => !insideIndex(rel) && !excludedDir(rel),
      log: opts.log,
      mode: opts.watchMode,
    });
  }

  /** Starts the first check in the background. */
  start(): void {
    this.startup = this.check().finally(() => (this.startup = undefined));
  }

  /** Brings the index up to date before a call, except while the startup check runs. */
  async beforeCall(): Promise<void> {
    if (this.closed) return;
    if (this.startup) {
      // With no index yet there is nothing to answer from: the first build is worth a bounded wait.
      if (this.engine.chunkCount === 0) await Promise.race([this.startup, delay(FIRST_BUILD_WAIT_MS)]);
      return;
    }
    // Lets watcher events that arrived with the call be handled before deciding whether to check.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.running) await this.running;
    if (this.needsCheck()) await this.check();
  }

  state(): FreshnessState {
    return {
      reconciling: !!this.running,
      checkedAt: this.lastStarted ? new Date(this.lastStarted).toISOString() : undefined,
      pendingChanges: this.pending,
      watch: this.watcher.mode,
      last: this.lastCheck,
      lastError: this.lastError,
    };
  }

  /** Files the last check left out, with the reason (ignored, too large, binary…); undefined before the first check. */
  skippedFiles(): readonly SkippedFile[] | undefined {
    return this.lastSkipped;
  }

  /** Stops watching and cuts a running check short (what it wrote stays whole). */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher.close();
    this.stop.abort();
    await this.running;
  }

  private needsCheck(): boolean {
    return this.pending > 0 || this.watcher.mode === 'none' || Date.now() - this.lastStarted > this.maxAgeMs;
  }

  private changed(): void {
    this.pending++;
    // Picked up now rather than at the next call, which then finds the index current.
    if (!this.running && !this.closed) void this.check();
  }

  private check(): Promise<void> {
    this.running ??= this.checkNow().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkNow(): Promise<void> {
    // Repeats while changes arrive during a check, so none is left for a later call to find.
    for (let round = 0; round < 3 && !this.closed; round++) {
      this.pending = 0;
      const started = Date.now();
      try {
        const s = await this.engine.indexAll({ signal: this.stop.signal });
        this.lastCheck = { added: s.added, updated: s.updated, removed: s.removed, renamed: s.renamed, unchanged: s.unchanged, ms: s.ms, error: s.error };
        this.lastError = undefined;
        this.lastSkipped = s.skipped;
        this.lastStarted = started;
        this.watcher.watchDirectories(directoriesOf([...this.engine.indexedPaths()]));
      } catch (err) {
        if (this.closed) return;
        // The index stays as it was and answers; the next call tries again.
        this.lastError = errorText(err);
        this.opts.log?.(`Could not bring the index up to date: ${this.lastError}`);
        return;
      }
      if (this.pending === 0) return;
    }
  }
}
