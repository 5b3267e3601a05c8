import * as fs from 'fs';
import * as path from 'path';
import { CHUNKER_VERSION } from './chunk/chunkFile';
import { CodeChunkFn } from './chunk/codeChunkFn';
import { codeChunkThreads, codeChunkWorkerFile, createCodeChunkPool } from './chunk/codeChunkPool';
import { createCodeChunker } from './chunk/codeChunker';
import { GroundedConfig, withDefaults } from './config';
import { createPathFilter, PathFilter } from './discovery/pathFilter';
import { excludingIndexFolder } from './discovery/indexFolderFilter';
import { normalizeRel } from './discovery/relPath';
import { discoverFiles, SkippedFile } from './discovery/walk';
import { Embedder, probeDimensions } from './embed/embedder';
import { errorText } from './errorText';
import { EmbeddingCache } from './embed/embeddingCache';
import { indexCounts, storeSize } from './index/counts';
import { removePath, updatePath } from './index/fileIndexer';
import { IndexAllOptions, IndexSummary, runFullIndex } from './index/fullRun';
import { IndexContext } from './index/indexContext';
import { createRunControl } from './index/runControl';
import { Catalog } from './lexical/catalog';
import { LexicalSnapshots } from './lexical/lexicalSnapshot';
import { search } from './retrieval/searcher';
import { QueryOptions, SearchResult } from './retrieval/types';
import { describeIdentity, IndexIdentity } from './store/identity';
import { IndexStore, OpenIndexStore } from './store/indexStore';
import { INDEX_FOLDER_NAME } from './store/indexLocation';
import { FileEntry } from './store/records';
import { ShardedStore } from './store/shardedStore';

export type { IndexAllOptions, IndexProgress, IndexSummary } from './index/fullRun';
export { embeddingText } from './embed/chunkVectors';

export interface EngineOptions {
  /** The workspace folder (absolute). */
  folder: string;
  /** Where the index lives; default `<folder>/.grounded`. */
  indexDir?: string;
  config?: Partial<GroundedConfig>;
  embedder?: Embedder;
  log?: (message: string) => void;
  codeChunker?: CodeChunkFn;
  /** Shards of a new index (tests use few). */
  shardCount?: number;
  /** 0 parses code on the engine's thread; otherwise a shared pool of one fewer threads than cores does. */
  chunkThreads?: number;
  /** During a full run, write the index after this many files (default 5000; or every 10 s). */
  flushEveryFiles?: number;
  /** Open what is there without creating, writing or deleting anything; throws NoIndexError when there is no index. */
  readOnly?: boolean;
  /** The store implementation (default: the sharded vectra store). */
  openStore?: OpenIndexStore;
  /** Rewrite the lexical snapshot once this many chunks would be tokenized again on open (default 2000; tests use few). */
  snapshotAfterChunks?: number;
}

export interface IndexStatus {
  folder: string;
  indexDir: string;
  identity: IndexIdentity;
  identityText: string;
  files: number;
  chunks: number;
  skipped: SkippedFile[];
  /** Bytes on disk: measured (a walk of the index folder) only when `status` is asked with `diskBytes`. */
  diskBytes?: number;
  /** Vectra folders the index is split into; one save rewrites one. */
  shards: number;
  /** Characters of chunk text in the index: tells whether the whole workspace fits a model's prompt. */
  textChars: number;
  updatedAt: string;
  errors: string[];
  /** Shards found damaged: their files are missing from results until the next index run re-reads them. */
  repairing: string[];
}


/** What a question needs to know cheaply: how much there is to answer from. */
export interface IndexSize {
  files: number;
  chunks: number;
  /** Characters of chunk text: tells whether the whole workspace fits a model's prompt. */
  textChars: number;
}

/** How many files are indexed between two writes of the index during a full run. */
const FLUSH_EVERY_FILES = 5000;

/**
 * The engine: one workspace folder's index, kept current file by file, and searched. A facade: the
 * indexer (`index/`) writes the store and the catalog, the searcher (`retrieval/`) reads them; the
 * engine runs writes one after another and owns pause and cancel.
 */
export class Engine {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly control = createRunControl();
  private readonly ctx: IndexContext;
  private manifestFailed = false;
  /** What the last discovery declined; status lists it beside the files declined on reading. */
  private discoverySkips: SkippedFile[] | undefined;

  private constructor(
    readonly folder: string,
    readonly config: GroundedConfig,
    private readonly store: IndexStore,
    private readonly embedder: Embedder | undefined,
    chunkCode: CodeChunkFn,
    log: (m: string) => void,
    readonly rebuildReason: string | undefined,
    private readonly flushEveryFiles: number,
    private readonly embeddingCache: EmbeddingCache | undefined,
    private readonly snapshots: LexicalSnapshots,
  ) {
    const filter: PathFilter = excludingIndexFolder(createPathFilter(folder, config), folder, store.dir);
    const flush = async () => {
      await embeddingCache?.flush();
      await store.flush();
    };
    // The catalog is opened when first needed (a question, a run that changes many files): a process
    // that only brings a few files up to date (the CLI's `index`) never reads the lexical snapshot.
    let catalog: Catalog | undefined;
    const openCatalog = () => {
      if (catalog) return catalog;
      catalog = snapshots.open();
      // Shards parsed to build the catalog go back to disk; a question reads the few it shows.
      store.releaseShardCache();
      return catalog;
    };
    const vectors = embedder ? { embedder, cache: embeddingCache } : undefined;
    this.ctx = { folder, config, filter, store, catalog: openCatalog, openedCatalog: () => catalog, chunkCode, log, flush, vectors };
    // A writer repairs what it found damaged; one line each says what and where.
    if (!store.readOnly) for (const e of store.loadErrors) log(`Warning: ${e}`);
    // Another writer (a second window, the CLI) changed files in a shard this engine is about to write.
    // A catalog not opened yet is built from the store as it is then.
    store.onExternalChange = (before, after) => {
      if (before) catalog?.removeFile(before.record.path, before.chunks);
      if (after) catalog?.addFile(after.chunks);
    };
  }

  static async open(opts: EngineOptions): Promise<Engine> {
    const folder = path.resolve(opts.folder);
    const stat = await fs.promises.stat(folder).catch(() => undefined);
    if (!stat?.isDirectory()) throw new Error(`${folder} is not a folder.`);
    const config = withDefaults(opts.config);
    // The vector length is part of the index's identity: an embedder not told it asks its endpoint once.
    if (opts.embedder) await probeDimensions(opts.embedder);
    const identity = identityOf(opts.embedder, config);
    const indexDir = path.resolve(opts.indexDir ?? path.join(folder, INDEX_FOLDER_NAME));
    const openStore = opts.openStore ?? ShardedStore.open;
    const { store, rebuildReason } = await openStore(indexDir, identity, { shardCount: opts.shardCount, readOnly: opts.readOnly });
    // A read-only open rebuilds nothing: it says the index is out of date and answers from nothing.
    if (rebuildReason) opts.log?.(opts.readOnly ? `Warning: the index must be rebuilt (${rebuildReason}); run an index first.` : `Rebuilding the index: ${rebuildReason}.`);
    const chunkCode = opts.codeChunker ?? defaultCodeChunker(opts.chunkThreads, opts.log);
    const cache = opts.embedder ? await EmbeddingCache.open(path.join(indexDir, 'embedding-cache'), `${identity.provider}-${identity.model}-${identity.dimensions}`) : undefined;
    const log = opts.log ?? (() => undefined);
    // Read from the snapshot where it matches the store; tokenized from the store where it does not.
    const snapshots = new LexicalSnapshots(store, log, opts.snapshotAfterChunks);
    return new Engine(folder, config, store, opts.embedder, chunkCode, log, rebuildReason, opts.flushEveryFiles ?? FLUSH_EVERY_FILES, cache, snapshots);
  }

  get indexDir(): string {
    return this.store.dir;
  }

  get chunkCount(): number {
    return storeSize(this.store.fileSummaries()).chunks;
  }

  /** Opens the lexical catalog now rather than at the first question (an editor's worker, right after opening). */
  warm(): void {
    this.ctx.catalog();
  }

  /** Runs index writes one after another: a save during a full run waits for it rather than racing it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Brings the index in line with the folder: reads only what changed, removes what is gone. */
  indexAll(opts: IndexAllOptions = {}): Promise<IndexSummary> {
    const own = this.control.startRun();
    const signal = opts.signal ? AbortSignal.any([opts.signal, own]) : own;
    const gate = async () => {
      await this.control.gate();
      await opts.gate?.();
    };
    return this.serial(async () => {
      const run = { ...opts, signal, gate, flushEveryFiles: this.flushEveryFiles, rebuildReason: this.rebuildReason };
      const { summary, skips } = await runFullIndex(this.ctx, run, (found) => (this.discoverySkips = found));
      this.discoverySkips = skips;
      await this.afterWrite();
      return summary;
    });
  }

  /** What opening the index reads, brought up to date once enough changed: the lexical snapshot and the file list. */
  private async afterWrite(): Promise<void> {
    const catalog = this.ctx.openedCatalog();
    if (catalog) await this.snapshots.refresh(catalog);
    else await this.snapshots.refreshUnopened(this.ctx.catalog);
    if (this.manifestFailed) return;
    try {
      await this.store.saveManifest?.();
    } catch (err) {
      // Derived data: the index works without it, only opening is slower. One line, no retry at every save.
      this.manifestFailed = true;
      this.ctx.log(`Warning: could not write the index's file list (${errorText(err)}); opening this index stays slower.`);
    }
  }

  /** Holds full runs before their next file until `resume`; saves still update the index. */
  pause(): void {
    this.control.pause();
  }

  resume(): void {
    this.control.resume();
  }

  /** Stops the full run under way (what it indexed stays); the files not reached wait for the next run. */
  cancelIndex(): void {
    this.control.cancel();
  }

  /** Re-indexes one file (a save), or removes it if it is gone or now excluded; a new folder's files are read. */
  updateFile(relPath: string): Promise<void> {
    return this.serial(async () => {
      await updatePath(this.ctx, normalizeRel(relPath));
      await this.ctx.flush();
      await this.afterWrite();
    });
  }

  /** Removes a file, or every file under a folder. */
  removeFile(relPath: string): Promise<void> {
    return this.serial(async () => {
      removePath(this.ctx, normalizeRel(relPath));
      await this.ctx.flush();
      await this.afterWrite();
    });
  }

  /** Ranked chunks for a question: lexical, fused with dense when an embedder is set, collapsed and grouped. */
  query(text: string, opts: QueryOptions = {}): Promise<SearchResult[]> {
    const { filter, config, chunkCode, log } = this.ctx;
    return search({ catalog: this.ctx.catalog(), filter, config, chunkCode, log, vectors: this.store.vectors, embedder: this.embedder }, text, opts);
  }

  /** How much there is to answer from, without touching the disk: what a question asks before it is answered. */
  size(): IndexSize {
    const files = indexCounts(this.store.fileSummaries(), this.discoverySkips ?? []).indexed;
    return { files, ...storeSize(this.store.fileSummaries()) };
  }

  /**
   * The index as it is. A fresh process (the CLI's `status`) walks the folder once to list what
   * discovery declines; the size on disk is measured only when asked for (it walks the index folder).
   */
  async status(opts: { diskBytes: true }): Promise<IndexStatus & { diskBytes: number }>;
  async status(opts?: { diskBytes?: boolean }): Promise<IndexStatus>;
  async status(opts: { diskBytes?: boolean } = {}): Promise<IndexStatus> {
    this.discoverySkips ??= (await discoverFiles(this.folder, this.config, this.ctx.filter)).skipped;
    const counts = indexCounts(this.store.fileSummaries(), this.discoverySkips);
    return {
      folder: this.folder,
      indexDir: this.store.dir,
      identity: this.store.identity,
      identityText: describeIdentity(this.store.identity),
      files: counts.indexed,
      ...storeSize(this.store.fileSummaries()),
      skipped: counts.skipped,
      ...(opts.diskBytes ? { diskBytes: await this.store.diskBytes() } : {}),
      shards: this.store.shardCount,
      updatedAt: this.store.updatedAt,
      errors: this.store.problems,
      repairing: this.store.damagedShards,
    };
  }

  /** Damaged shards and how many of the folder's files belong in them (walks the folder only when some are damaged). */
  async damage(): Promise<{ shards: string[]; files: number }> {
    const shards = this.store.damagedShards;
    if (shards.length === 0) return { shards, files: 0 };
    const found = await discoverFiles(this.folder, this.config, this.ctx.filter);
    return { shards, files: found.files.filter((f) => this.store.isInDamagedShard(f.relPath)).length };
  }

  /** Waits for queued writes and lets go of the embedding cache's file. */
  async close(): Promise<void> {
    this.control.cancel();
    this.control.resume();
    await this.queue;
    this.embeddingCache?.close();
    this.snapshots.close();
  }

  /** Every indexed file's manifest entry and chunks, for read-only views (definitions); may read the whole index. */
  indexedFiles(): Iterable<Readonly<FileEntry>> {
    return this.store.allFiles();
  }

  /** Every path the index holds an entry for (indexed or skipped), without reading chunks. */
  *indexedPaths(): IterableIterator<string> {
    for (const f of this.store.fileSummaries()) yield f.record.path;
  }
}


/** What an index was built with: a different embedder, model, length or chunker means a rebuild. */
function identityOf(embedder: Embedder | undefined, config: GroundedConfig): IndexIdentity {
  return {
    provider: embedder?.provider ?? 'lexical',
    model: embedder?.model ?? 'bm25',
    dimensions: embedder?.dimensions ?? 0,
    chunkerVersion: CHUNKER_VERSION * 1000 + config.chunkTokens,
  };
}

let sharedPool: CodeChunkFn | undefined;

/**
 * Code is parsed on worker threads when the machine has a core to spare; one pool serves every engine
 * of the process (the cores are shared too). Without the worker script, or with no thread to spare,
 * it is parsed on the engine's thread.
 */
function defaultCodeChunker(threads: number | undefined, log?: (message: string) => void): CodeChunkFn {
  const local = createCodeChunker(undefined, log);
  const size = threads === 0 ? 0 : codeChunkThreads();
  const workerFile = codeChunkWorkerFile();
  if (size < 1 || !workerFile) return local;
  return (sharedPool ??= createCodeChunkPool(workerFile, size, local, log));
}
