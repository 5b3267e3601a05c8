import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { CHUNKER_VERSION, chunkFile, CodeChunkFn } from './chunk/chunkFile';
import { codeChunkThreads, codeChunkWorkerFile, createCodeChunkPool } from './chunk/codeChunkPool';
import { createCodeChunker } from './chunk/codeChunker';
import { GroundedConfig, withDefaults } from './config';
import { createPathFilter, PathFilter } from './discovery/pathFilter';
import { readDocument } from './discovery/readDocument';
import { TextRead } from './discovery/readText';
import { discoverFiles, SkippedFile } from './discovery/walk';
import { Embedder, EmbeddingError, probeDimensions } from './embed/embedder';
import { EmbeddingCache } from './embed/embeddingCache';
import { indexCounts } from './index/counts';
import { planChanges } from './index/plan';
import { createRunControl } from './index/runControl';
import { excludingIndexFolder } from './discovery/indexFolderFilter';
import { chunkTokens, LexicalIndex } from './lexical/lexicalIndex';
import { collapseRanked } from './retrieval/collapse';
import { addCandidates, reciprocalRankFusion } from './retrieval/fusion';
import { analyseQuery, QueryAnalysis } from './retrieval/queryAnalysis';
import { rankLexical } from './retrieval/rankLexical';
import { withRelevance } from './retrieval/relevance';
import { QueryOptions, SearchResult } from './retrieval/types';
import { describeIdentity, IndexIdentity, sha1 } from './store/identity';
import { chunkId, FileEntry, FileRecord, StoredChunk } from './store/records';
import { errorText, ShardedStore } from './store/shardedStore';
import { indexingTurn } from './turnBudget';
import { Chunk } from './types';

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
}

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

export interface IndexStatus {
  folder: string;
  indexDir: string;
  identity: IndexIdentity;
  identityText: string;
  files: number;
  chunks: number;
  skipped: SkippedFile[];
  diskBytes: number;
  /** Vectra folders the index is split into; one save rewrites one. */
  shards: number;
  /** Characters of chunk text in the index: tells whether the whole workspace fits a model's prompt. */
  textChars: number;
  updatedAt: string;
  errors: string[];
  /** Shards found damaged: their files are missing from results until the next index run re-reads them. */
  repairing: string[];
}

/** What was done for a file while it waited its turn in a full run. */
interface ChunkedAhead {
  hash: string;
  chunks?: Promise<Chunk[]>;
}

/** A candidate chunk on its way to the results, with why it ranked where it did. */
interface Ranked {
  chunk: StoredChunk;
  score: number;
  why?: string;
  keepBeyondCap?: boolean;
}

type IndexOutcome = 'unchanged' | { hash: string; skipped?: string; embedded: number };

/** How many files are indexed between two writes of the index during a full run. */
const FLUSH_EVERY_FILES = 5000;
const FLUSH_EVERY_MS = 10_000;
/** A write during a full run waits at least this many times as long as the previous write took. */
const FLUSH_COST_SPACING = 4;
/** Files read ahead of the one being chunked: reading is I/O-bound and overlaps with chunking. */
const READ_AHEAD = 16;
/** How long a query waits for its own embedding before answering with lexical results only. */
const QUERY_EMBED_TIMEOUT_MS = 4000;
const EMBED_BATCH = 64;

/**
 * The engine: one workspace folder's index, kept current file by file, and searched.
 * It owns the store and the in-memory lexical index built from it.
 */
export class Engine {
  private readonly lexical = new LexicalIndex();
  private readonly slotOf = new Map<string, number>();
  private readonly chunkAt: (StoredChunk | undefined)[] = [];
  private readonly filter: PathFilter;
  private readonly log: (message: string) => void;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly control = createRunControl();
  readonly rebuildReason?: string;
  /** What the last discovery declined; status lists it beside the files declined on reading. */
  private discoverySkips: SkippedFile[] | undefined;

  private constructor(
    readonly folder: string,
    readonly config: GroundedConfig,
    private readonly store: ShardedStore,
    private readonly embedder: Embedder | undefined,
    private readonly chunkCode: CodeChunkFn,
    log: ((m: string) => void) | undefined,
    rebuildReason: string | undefined,
    private readonly flushEveryFiles: number,
    private readonly embeddingCache: EmbeddingCache | undefined,
  ) {
    this.log = log ?? (() => undefined);
    this.filter = excludingIndexFolder(createPathFilter(folder, config), folder, store.dir);
    this.rebuildReason = rebuildReason;
    for (const entry of store.allFiles()) this.addToMemory(entry.chunks);
    // A writer repairs what it found damaged; one line each says what and where.
    if (!store.readOnly) for (const e of store.loadErrors) this.log(`Warning: ${e}`);
    // Another writer (a second window, the CLI) changed files in a shard this engine is about to write.
    store.onExternalChange = (before, after) => {
      if (before) this.removeFromMemory(before.chunks);
      if (after) this.addToMemory(after.chunks);
    };
  }

  static async open(opts: EngineOptions): Promise<Engine> {
    const folder = path.resolve(opts.folder);
    const stat = await fs.promises.stat(folder).catch(() => undefined);
    if (!stat?.isDirectory()) throw new Error(`${folder} is not a folder.`);
    const config = withDefaults(opts.config);
    // The vector length is part of the index's identity: an embedder not told it asks its endpoint once.
    if (opts.embedder) await probeDimensions(opts.embedder);
    const identity: IndexIdentity = {
      provider: opts.embedder?.provider ?? 'lexical',
      model: opts.embedder?.model ?? 'bm25',
      dimensions: opts.embedder?.dimensions ?? 0,
      chunkerVersion: CHUNKER_VERSION * 1000 + config.chunkTokens,
    };
    const indexDir = path.resolve(opts.indexDir ?? path.join(folder, '.grounded'));
    const { store, rebuildReason } = await ShardedStore.open(indexDir, identity, { shardCount: opts.shardCount, readOnly: opts.readOnly });
    // A read-only open rebuilds nothing: it says the index is out of date and answers from nothing.
    if (rebuildReason) opts.log?.(opts.readOnly ? `Warning: the index must be rebuilt (${rebuildReason}); run an index first.` : `Rebuilding the index: ${rebuildReason}.`);
    const chunkCode = opts.codeChunker ?? defaultCodeChunker(opts.chunkThreads, opts.log);
    const cache = opts.embedder ? await EmbeddingCache.open(path.join(indexDir, 'embedding-cache'), `${identity.provider}-${identity.model}-${identity.dimensions}`) : undefined;
    return new Engine(folder, config, store, opts.embedder, chunkCode, opts.log, rebuildReason, opts.flushEveryFiles ?? FLUSH_EVERY_FILES, cache);
  }

  get indexDir(): string {
    return this.store.dir;
  }

  /** Writes the index's pending shards and the new cached vectors. */
  private async flush(): Promise<void> {
    await this.embeddingCache?.flush();
    await this.store.flush();
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
    return this.serial(() => this.indexAllNow({ ...opts, signal, gate }));
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

  private async indexAllNow({ signal, onProgress, gate }: IndexAllOptions): Promise<IndexSummary> {
    const started = Date.now();
    onProgress?.({ phase: 'discovering', done: 0, total: 0 });
    const discovery = await discoverFiles(this.folder, this.config, this.filter);
    this.discoverySkips = discovery.skipped;
    await this.store.sizeFor(discovery.files.length);
    const plan = planChanges(discovery.files, [...this.store.allFiles()].map((e) => e.record));
    const summary: IndexSummary = {
      files: discovery.files.length,
      added: 0,
      updated: 0,
      removed: 0,
      renamed: 0,
      unchanged: plan.unchanged,
      skipped: [...discovery.skipped],
      failed: [],
      chunks: 0,
      embedded: 0,
      ms: 0,
      rebuildReason: this.rebuildReason,
    };
    const removedHashes = new Map<string, string>();
    for (const p of plan.removed) {
      const gone = this.forgetFile(p);
      if (gone) removedHashes.set(gone.hash, p);
      summary.removed++;
    }
    let lastFlush = Date.now();
    let lastFlushMs = 0;
    let sinceFlush = 0;
    const reads: Promise<{ read: TextRead; ahead?: ChunkedAhead }>[] = [];
    // Files ahead are read, and their code sent to the chunking threads, while this one is indexed.
    const readAt = (i: number) =>
      (reads[i] ??= readDocument(path.join(this.folder, plan.toRead[i].relPath), this.config).then((read) => ({
        read,
        ahead: this.chunkIfChanged(plan.toRead[i].relPath, read),
      })));
    for (let i = 0; i < plan.toRead.length; i++) {
      if (gate) await gate();
      if (signal?.aborted) break;
      // Read-ahead promises are usually settled already, so awaiting them never returns to the event
      // loop; hand it back every few milliseconds so queries and messages are served during a full run.
      await indexingTurn();
      const file = plan.toRead[i];
      for (let j = i + 1; j < Math.min(plan.toRead.length, i + READ_AHEAD); j++) readAt(j);
      onProgress?.({ phase: 'indexing', done: i, total: plan.toRead.length, path: file.relPath });
      const before = this.store.getFile(file.relPath);
      try {
        const { read, ahead } = await readAt(i);
        delete reads[i];
        const outcome = await this.indexRead(file.relPath, read, signal, ahead);
        if (outcome === 'unchanged') summary.unchanged++;
        else if (outcome.skipped) summary.skipped.push({ relPath: file.relPath, reason: outcome.skipped });
        else if (before) summary.updated++;
        else if (removedHashes.has(outcome.hash)) {
          summary.renamed++;
          summary.removed--;
        } else summary.added++;
        if (outcome !== 'unchanged') summary.embedded += outcome.embedded;
      } catch (err) {
        if ((err as Error).name === 'AbortError') break;
        summary.failed.push({ relPath: file.relPath, reason: errorText(err) });
        this.log(`Could not index ${file.relPath}: ${errorText(err)}`);
        if (err instanceof EmbeddingError && err.fatal) {
          // Every other file would fail the same way; what is indexed stays, the rest waits for the next run.
          summary.error = err.message;
          break;
        }
      }
      sinceFlush++;
      const due = sinceFlush >= this.flushEveryFiles || Date.now() - lastFlush > FLUSH_EVERY_MS;
      // During a first index every shard is dirty at every write, so a write costs as much as the
      // index so far; spacing writes by their own cost keeps them under a fifth of the run.
      if (due && Date.now() - lastFlush >= FLUSH_COST_SPACING * lastFlushMs) {
        onProgress?.({ phase: 'writing', done: i + 1, total: plan.toRead.length });
        const flushStarted = Date.now();
        await this.flush();
        lastFlushMs = Date.now() - flushStarted;
        sinceFlush = 0;
        lastFlush = Date.now();
      }
    }
    onProgress?.({ phase: 'writing', done: plan.toRead.length, total: plan.toRead.length });
    await this.flush();
    this.store.releaseShardCache();
    // Files that could not be read at all have no entry in the store; they are skipped files too.
    this.discoverySkips = [...discovery.skipped, ...summary.skipped.filter((s) => !this.store.getFile(s.relPath))];
    const counts = indexCounts(this.store.allFiles(), this.discoverySkips);
    summary.files = counts.indexed;
    summary.skipped = counts.skipped;
    summary.chunks = this.chunkCount;
    summary.ms = Date.now() - started;
    onProgress?.({ phase: 'done', done: plan.toRead.length, total: plan.toRead.length });
    if (signal?.aborted) throw abortError();
    return summary;
  }

  /** Re-indexes one file (a save), or removes it if it is gone or now excluded. */
  updateFile(relPath: string): Promise<void> {
    return this.serial(async () => {
      const rel = normalizeRel(relPath);
      const reason = this.filter.checkPath(rel);
      const stat = await fs.promises.stat(path.join(this.folder, rel)).catch(() => undefined);
      if (!reason && stat?.isDirectory()) await this.indexNewFiles(rel + '/');
      else if (reason || !stat?.isFile()) this.forgetFile(rel);
      else await this.indexOne(rel);
      await this.flush();
    });
  }

  /**
   * A folder that appeared (created, moved in, unpacked): its files may have been written before a
   * watcher could watch it, so their own events never come. The files under it that the index does not
   * hold as they are now are read.
   */
  private async indexNewFiles(prefix: string): Promise<void> {
    const found = await discoverFiles(this.folder, this.config, this.filter);
    const held = [...this.store.allFiles()].filter((e) => e.record.path.startsWith(prefix)).map((e) => e.record);
    const plan = planChanges(found.files.filter((f) => f.relPath.startsWith(prefix)), held);
    for (const f of plan.toRead) await this.indexOne(f.relPath);
  }

  /** Removes a file, or every file under a folder. */
  removeFile(relPath: string): Promise<void> {
    return this.serial(async () => {
      const rel = normalizeRel(relPath);
      if (!this.forgetFile(rel)) {
        const prefix = rel + '/';
        for (const e of [...this.store.allFiles()]) if (e.record.path.startsWith(prefix)) this.forgetFile(e.record.path);
      }
      await this.flush();
    });
  }

  private async indexOne(relPath: string, signal?: AbortSignal): Promise<IndexOutcome> {
    return this.indexRead(relPath, await readDocument(path.join(this.folder, relPath), this.config), signal);
  }

  /** A file read ahead: its hash, and its chunks unless its content is what the index holds. */
  private chunkIfChanged(relPath: string, read: TextRead): ChunkedAhead | undefined {
    if (!read.ok || read.size === undefined) return undefined;
    const hash = sha1(read.text);
    const previous = this.store.getFile(relPath);
    if (previous && !previous.record.skipped && previous.record.hash === hash) return { hash };
    const chunks = chunkFile(relPath, read.text, { maxTokens: this.config.chunkTokens }, this.chunkCode);
    chunks.catch(() => undefined); // awaited (and its error reported) when the file's turn comes
    return { hash, chunks };
  }

  private async indexRead(relPath: string, read: TextRead, signal?: AbortSignal, ahead?: ChunkedAhead): Promise<IndexOutcome> {
    if (read.size === undefined || read.mtimeMs === undefined) {
      // Gone (or unreadable) between discovery and reading: nothing of it may stay in the index.
      this.forgetFile(relPath);
      return { hash: '', skipped: read.ok ? 'could not be read' : read.reason, embedded: 0 };
    }
    const stat = { size: read.size, mtimeMs: read.mtimeMs };
    const previous = this.store.getFile(relPath);
    const hash = read.ok ? (ahead?.hash ?? sha1(read.text)) : `skipped:${stat.size}:${stat.mtimeMs}`;
    const record: FileRecord = { path: relPath, hash, size: stat.size, mtimeMs: stat.mtimeMs, indexedAt: Date.now() };
    if (previous && previous.record.hash === hash && !previous.record.skipped) {
      // Same content, new timestamp (a touch or a checkout): record it so the next run need not read it.
      this.store.putFile({ ...previous.record, mtimeMs: stat.mtimeMs, size: stat.size }, previous.chunks);
      return 'unchanged';
    }
    if (!read.ok) {
      this.replaceInMemory(relPath, []);
      this.store.putFile({ ...record, skipped: read.reason }, []);
      return { hash, skipped: read.reason, embedded: 0 };
    }
    const chunks = await (ahead?.chunks ?? chunkFile(relPath, read.text, { maxTokens: this.config.chunkTokens }, this.chunkCode));
    const stored: StoredChunk[] = chunks.map((c, ordinal) => {
      const textHash = sha1(c.text);
      return { ...c, hash: textHash, id: chunkId(c.path, ordinal, c.startLine, textHash) };
    });
    const { vectors, embedded } = await this.vectorsFor(stored, signal);
    this.replaceInMemory(relPath, stored);
    this.store.putFile(record, stored, vectors);
    return { hash, embedded };
  }

  /** Each chunk's vector (none without an embedder): from the cache when its text was embedded before. */
  private async vectorsFor(chunks: StoredChunk[], signal?: AbortSignal): Promise<{ vectors?: ArrayLike<number>[]; embedded: number }> {
    if (!this.embedder) return { embedded: 0 };
    const vectors: ArrayLike<number>[] = [];
    const missing: number[] = [];
    chunks.forEach((c, i) => {
      const cached = this.embeddingCache?.get(c.hash);
      if (cached) vectors[i] = cached;
      else missing.push(i);
    });
    for (let i = 0; i < missing.length; i += EMBED_BATCH) {
      const batch = missing.slice(i, i + EMBED_BATCH);
      const embedded = await this.embedder.embed(batch.map((k) => embeddingText(chunks[k])), signal);
      batch.forEach((k, j) => {
        vectors[k] = embedded[j];
        this.embeddingCache?.put(chunks[k].hash, embedded[j]);
      });
    }
    return { vectors, embedded: missing.length };
  }

  private forgetFile(relPath: string): FileRecord | undefined {
    const entry = this.store.removeFile(relPath);
    if (entry) this.removeFromMemory(entry.chunks);
    return entry?.record;
  }

  private replaceInMemory(relPath: string, chunks: StoredChunk[]): void {
    const previous = this.store.getFile(relPath);
    if (previous) this.removeFromMemory(previous.chunks);
    this.addToMemory(chunks);
  }

  private addToMemory(chunks: StoredChunk[]): void {
    const slots = this.lexical.addFile(chunks);
    chunks.forEach((c, i) => {
      this.slotOf.set(c.id, slots[i]);
      this.chunkAt[slots[i]] = c;
    });
  }

  private removeFromMemory(chunks: StoredChunk[]): void {
    if (chunks.length) this.lexical.removeFile(chunks[0].path);
    for (const c of chunks) {
      const slot = this.slotOf.get(c.id);
      if (slot === undefined) continue;
      this.slotOf.delete(c.id);
      this.chunkAt[slot] = undefined;
    }
  }

  get chunkCount(): number {
    return this.lexical.size;
  }

  /** Ranked chunks for a question: lexical, fused with dense when an embedder is set, collapsed and grouped. */
  async query(text: string, opts: QueryOptions = {}): Promise<SearchResult[]> {
    const topK = opts.topK ?? 10;
    const perFile = opts.perFile ?? 3;
    const pool = Math.max(100, topK * 10);
    const live = new Map((opts.liveFiles ?? []).map((f) => [normalizeRel(f.path), f.text]));
    const globs = opts.pathGlobs?.length ? picomatch(opts.pathGlobs, { dot: true }) : undefined;
    // A filter that rejects most chunks is asked of nearly every one (the dense scan has no other
    // way to fill its top k): a glob is matched once a file, not once a chunk.
    const pathVerdicts = new Map<string, boolean>();
    const pathOk = globs && ((p: string) => pathVerdicts.get(p) ?? pathVerdicts.set(p, globs(p)).get(p)!);
    const accept = (c: { path: string; kind: string }) =>
      !live.has(c.path) && (!opts.kinds || opts.kinds.includes(c.kind as never)) && (!pathOk || pathOk(c.path));
    const lexicalAll = await this.lexicalCandidates(text, opts, pool, live, accept);
    if (opts.signal?.aborted) throw abortError();

    let ranked: Ranked[] = lexicalAll;
    const vectors = this.store.vectors;
    const qv = this.embedder && vectors && vectors.size > 0 ? await this.queryVector(text, opts.signal) : undefined;
    if (vectors && qv) {
      const chunkOf = (id: string) => {
        const slot = this.slotOf.get(id);
        return slot === undefined ? undefined : this.chunkAt[slot];
      };
      const dense = vectors.search(qv, pool, (id) => {
        const c = chunkOf(id);
        return !!c && accept(c);
      });
      const byId = new Map<string, StoredChunk>();
      for (const r of lexicalAll) byId.set(r.chunk.id, r.chunk);
      for (const d of dense) byId.set(d.id, chunkOf(d.id)!);
      const fused = reciprocalRankFusion([lexicalAll.map((r) => r.chunk.id), dense.map((d) => d.id)]);
      const lexicalOf = new Map(lexicalAll.map((r) => [r.chunk.id, r]));
      ranked = [...fused].map(([id, score]) => ({ ...lexicalOf.get(id), chunk: byId.get(id)!, score }));
    }
    if (opts.includeAll) {
      const seen = new Set(ranked.map((r) => r.chunk.id));
      const rest = this.chunkAt.filter((c): c is StoredChunk => !!c && !seen.has(c.id) && accept(c));
      rest.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine));
      ranked = [...ranked, ...rest.map((chunk) => ({ chunk, score: 0 }))];
    }
    const collapsed = collapseRanked(
      // A cap the caller sets is hard (a hover wants distinct files); the default one spares a small file's sections.
      ranked.map((r) => ({ ...r, keepBeyondCap: opts.perFile === undefined && r.keepBeyondCap, id: r.chunk.id, path: r.chunk.path, startLine: r.chunk.startLine, endLine: r.chunk.endLine, hash: r.chunk.hash })),
      topK,
      opts.includeAll ? Number.MAX_SAFE_INTEGER : perFile,
    );
    return withRelevance(collapsed.map(({ chunk, score, why }) => ({
      path: chunk.path,
      startLine: chunk.startLine,
      endLine: chunk.endLine,
      title: chunk.title,
      kind: chunk.kind,
      language: chunk.language,
      score: Math.round(score * 10000) / 10000,
      text: chunk.text,
      ...(chunk.page !== undefined ? { page: chunk.page } : {}),
      ...(chunk.cell !== undefined ? { cell: chunk.cell } : {}),
      ...(why ? { why } : {}),
      ...(live.has(chunk.path) ? { unsaved: true } : {}),
    })));
  }

  /** Lexical candidates, best first: the indexed chunks, unsaved editors' chunks, and what a model's rewrite adds. */
  private async lexicalCandidates(text: string, opts: QueryOptions, pool: number, live: Map<string, string>, accept: (c: StoredChunk) => boolean): Promise<Ranked[]> {
    const analysis = analyseQuery(text);
    const rank = (q: QueryAnalysis) =>
      rankLexical(this.lexical, q, pool, (slot) => accept(this.chunkAt[slot]!)).map((h) => ({ ...h, chunk: this.chunkAt[h.slot]! }));
    const liveChunks = await this.liveCandidates(live, analysis.terms, opts);
    const plain: Ranked[] = [...rank(analysis), ...liveChunks].sort((a, b) => b.score - a.score);
    // A model's rewrite of the question can only add candidates to the plain question's.
    return opts.rewrite ? addCandidates(plain, rank(analyseQuery(opts.rewrite)), (r) => r.chunk.id) : plain;
  }

  /** The query's vector, or undefined (lexical results only) when the endpoint fails; the failure is logged. */
  private async queryVector(text: string, signal?: AbortSignal): Promise<number[] | undefined> {
    // A question must not wait out the endpoint's retry budget: past a few seconds, lexical results go alone.
    const timeout = AbortSignal.timeout(QUERY_EMBED_TIMEOUT_MS);
    try {
      return (await this.embedder!.embed([text], signal ? AbortSignal.any([signal, timeout]) : timeout))[0];
    } catch (err) {
      if (signal?.aborted) throw err;
      this.log(`Dense retrieval unavailable, using lexical results only: ${errorText(err)}`);
      return undefined;
    }
  }

  /** Chunks of unsaved editors, scored against the index's statistics so they rank beside indexed ones. */
  private async liveCandidates(live: Map<string, string>, terms: string[], opts: QueryOptions): Promise<Ranked[]> {
    const out: Ranked[] = [];
    for (const [rel, text] of live) {
      if (this.filter.checkPath(rel)) continue;
      const chunks = await chunkFile(rel, text, { maxTokens: this.config.chunkTokens }, this.chunkCode);
      for (const [ordinal, c] of chunks.entries()) {
        if (opts.kinds && !opts.kinds.includes(c.kind)) continue;
        const hash = sha1(c.text);
        const chunk: StoredChunk = { ...c, hash, id: `live:${chunkId(rel, ordinal, c.startLine, hash)}` };
        const score = this.lexical.body.scoreExternal(chunkTokens(chunk), terms);
        if (score > 0) out.push({ chunk, score, why: 'unsaved editor' });
      }
    }
    return out;
  }

  /** The index as it is; a fresh process (the CLI's `status`) walks the folder once to list what discovery declines. */
  async status(): Promise<IndexStatus> {
    this.discoverySkips ??= (await discoverFiles(this.folder, this.config, this.filter)).skipped;
    const counts = indexCounts(this.store.allFiles(), this.discoverySkips);
    return {
      folder: this.folder,
      indexDir: this.store.dir,
      identity: this.store.identity,
      identityText: describeIdentity(this.store.identity),
      files: counts.indexed,
      chunks: this.chunkCount,
      skipped: counts.skipped,
      diskBytes: await this.store.diskBytes(),
      shards: this.store.shardCount,
      textChars: this.chunkAt.reduce((n, c) => n + (c ? c.text.length : 0), 0),
      updatedAt: this.store.updatedAt,
      errors: this.store.problems,
      repairing: this.store.damagedShards,
    };
  }

  /** Damaged shards and how many of the folder's files belong in them (walks the folder only when some are damaged). */
  async damage(): Promise<{ shards: string[]; files: number }> {
    const shards = this.store.damagedShards;
    if (shards.length === 0) return { shards, files: 0 };
    const found = await discoverFiles(this.folder, this.config, this.filter);
    return { shards, files: found.files.filter((f) => this.store.isInDamagedShard(f.relPath)).length };
  }

  /** Waits for queued writes and lets go of the embedding cache's file. */
  async close(): Promise<void> {
    this.control.cancel();
    this.control.resume();
    await this.queue;
    this.embeddingCache?.close();
  }

  /** Every indexed file's manifest entry and chunks, for read-only views (definitions, freshness). */
  indexedFiles(): Iterable<Readonly<FileEntry>> {
    return this.store.allFiles();
  }
}

/** The text a chunk is embedded as: its place and title give the vector context the body lacks. */
export function embeddingText(c: StoredChunk): string {
  return `${c.path} — ${c.title}\n${c.text}`;
}

function normalizeRel(p: string): string {
  return p.split(path.sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
}

function abortError(): Error {
  const err = new Error('Cancelled.');
  err.name = 'AbortError';
  return err;
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
