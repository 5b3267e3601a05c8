import * as path from 'path';
import { errorText } from '../errorText';
import { writeFileAtomic } from '../store/atomicWrite';
import { sha1 } from '../store/identity';
import { assertRealFolder, CHUNK_TEXTS_FILE, removeDeadTempFiles } from '../store/indexFolder';
import { IndexStore } from '../store/indexStore';
import { StoredChunk } from '../store/records';
import { Catalog } from './catalog';
import { ChunkRun, ChunkTexts, writeChunkTexts } from './chunkTexts';
import { RestoredFile } from './lexicalIndex';
import { chunkTokens } from './lexicalIndex';
import { definedSymbols } from './definedSymbols';
import { checkLexicalState, LexicalState } from './lexicalState';
import { decodeSnapshot, encodeSteps, readSnapshotHeader, SnapshotHeader } from './snapshotCodec';
import { readPlainSync } from '../store/plainFile';
import { runSliced } from '../steps';
import { tokenize } from './tokenize';

/** Bump when what the lexical fields hold changes in a way the probe below may not show. */
const LEXICAL_FORMAT = 1;
/** A snapshot is rewritten once this many chunks (or 2% of the index, if more) would be tokenized again on open. */
const DEFAULT_REWRITE_AFTER = 2000;

/**
 * The lexical index kept on disk beside the store, so that opening an index reads it instead of
 * tokenizing every chunk again. One file, written atomically after a flush once the index has moved
 * far enough from it; it records the stamp of each shard it describes. On open, a file of a shard whose
 * stamp still matches (and whose chunk ids agree) is taken from it; the files of a shard another writer
 * changed since are tokenized from the store; a file that cannot be read whole means one warning and
 * a rebuild from the store. The snapshot is derived data: losing it only costs time.
 */
export class LexicalSnapshots {
  /** Chunks the file on disk does not describe as the store holds them, as of `changedAt`. */
  private behind = 0;
  private changedAt = 0;
  private writeFailed = false;
  /** The chunks file paired with the snapshot this catalog was restored from, open for its life. */
  private texts: ChunkTexts | undefined;

  constructor(
    private readonly store: IndexStore,
    private readonly log: (message: string) => void,
    private readonly rewriteAfter = DEFAULT_REWRITE_AFTER,
  ) {}

  /** The store's files as a catalog: from the snapshot where it matches, tokenized where it does not. */
  open(): Catalog {
    const file = this.store.lexicalSnapshotFile;
    const data = file && this.store.shardStamps && readSnapshot(file, this.log);
    if (data) {
      try {
        return this.restore(data);
      } catch (err) {
        this.log(`Warning: the lexical snapshot ${file} is not used (${errorText(err)}); it is rebuilt from the index.`);
      }
    }
    const catalog = new Catalog(this.source);
    for (const entry of [...this.store.allFiles()].sort(byPath)) catalog.addFile(entry.chunks);
    this.behind = Number.POSITIVE_INFINITY;
    this.changedAt = catalog.changedChunks;
    return catalog;
  }

  private restore(data: Buffer): Catalog {
    const { header, state } = decodeSnapshot(data);
    if (header.analysis !== analysisKey()) throw new Error('it was made by another version of the tokenizer');
    if (header.layout !== this.store.layout) throw new Error('it describes another layout of the index');
    checkLexicalState(state);
    const plan = this.plan(header, state);
    const texts = header.chunks && this.openTexts(header.chunks, state.table.chunkIds.length);
    const catalog = Catalog.restore(this.source, state, plan, texts && ((position, id, p, ordinal) => texts.read(position, id, p, ordinal)));
    const adopted = plan.reduce((n, f) => n + (f.from >= 0 ? f.chunkCount : 0), 0);
    this.behind = catalog.size - adopted + (state.table.chunkIds.length - adopted);
    this.log(`Lexical index: ${adopted} chunks from the snapshot, ${catalog.size - adopted} tokenized.`);
    return catalog;
  }

  /** The chunks file the snapshot names, or undefined (chunks are then read from their shards) with one warning. */
  private openTexts(ref: { token: string; count: number }, count: number): ChunkTexts | undefined {
    const file = path.join(path.dirname(this.store.lexicalSnapshotFile!), CHUNK_TEXTS_FILE);
    const opened = ref.count === count ? ChunkTexts.open(file, ref) : 'it counts another number of chunks';
    if (typeof opened === 'string') {
      this.log(`Warning: the chunks file ${file} is not used (${opened}); chunks are read from the index's shards.`);
      return undefined;
    }
    this.texts = opened;
    return opened;
  }

  /** From now on the catalog reads its chunks from the file just written (the one it was restored from is replaced). */
  private adoptTexts(catalog: Catalog, file: string, ref: { token: string; count: number }, chunkSlots: Uint32Array): void {
    const texts = ChunkTexts.open(file, ref);
    if (typeof texts === 'string') return;
    this.texts?.close();
    this.texts = texts;
    catalog.lexical.useSnapshot(chunkSlots, (position, id, p, ordinal) => texts.read(position, id, p, ordinal));
  }

  /** Lets go of the chunks file. */
  close(): void {
    this.texts?.close();
    this.texts = undefined;
  }

  /** Where the catalog reads chunks: the store (from disk, for the few a question needs). */
  private readonly source = (p: string): readonly StoredChunk[] | undefined => this.store.getFile(p)?.chunks;

  /**
   * Each stored file with chunks, in path order (see byPath), with its place in the snapshot when the
   * snapshot has it as stored (its shard's stamp unchanged since, and as many chunks); the others
   * come with their chunks, to tokenize. Chunks are read only for those.
   */
  private plan(header: SnapshotHeader, state: LexicalState): RestoredFile[] {
    const now = this.store.shardStamps!();
    const then = new Map(header.stamps);
    const t = state.table;
    const placeOf = new Map(t.paths.map((p, i) => [p, i]));
    const plan: RestoredFile[] = [];
    for (const { record, chunkCount, chars } of [...this.store.fileSummaries()].sort(byPath)) {
      if (chunkCount === 0) continue;
      const shard = this.store.shardOf!(record.path);
      const stamp = now.get(shard);
      let from = stamp !== undefined && then.get(shard) === stamp ? (placeOf.get(record.path) ?? -1) : -1;
      if (from >= 0 && t.chunkCounts[from] !== chunkCount) from = -1;
      if (from >= 0) plan.push({ path: record.path, chunkCount, chars, from });
      else {
        const chunks = this.store.getFile(record.path)?.chunks;
        if (chunks?.length) plan.push({ path: record.path, chunkCount: chunks.length, chars, from: -1, chunks });
      }
    }
    return plan;
  }

  /**
   * After a flush in a process that never opened its catalog (the CLI's `index` of a few changed files):
   * the snapshot is rewritten, the catalog opened for it, only once opening would tokenize too much
   * (the chunks of shards whose stamps differ from the snapshot's).
   */
  async refreshUnopened(open: () => Catalog): Promise<void> {
    const file = this.store.lexicalSnapshotFile;
    if (!file || this.store.readOnly || !this.store.shardStamps || this.writeFailed) return;
    const header = readSnapshotHeader(file);
    const then = new Map(header && header.analysis === analysisKey() && header.layout === this.store.layout ? header.stamps : []);
    const now = this.store.shardStamps();
    let stale = 0;
    let total = 0;
    for (const { record, chunkCount } of this.store.fileSummaries()) {
      const shard = this.store.shardOf!(record.path);
      total += chunkCount;
      if (now.get(shard) === undefined || now.get(shard) !== then.get(shard)) stale += chunkCount;
    }
    if (stale > Math.max(this.rewriteAfter, total * 0.02)) await this.refresh(open());
  }

  /** After a flush: rewrites the snapshot when opening would otherwise tokenize too much again. */
  async refresh(catalog: Catalog): Promise<void> {
    const file = this.store.lexicalSnapshotFile;
    if (!file || this.store.readOnly || !this.store.shardStamps || this.writeFailed) return;
    const behind = this.behind + (catalog.changedChunks - this.changedAt);
    if (behind <= Math.max(this.rewriteAfter, catalog.size * 0.02) || catalog.size === 0) return;
    try {
      // Stamps and state in one turn: nothing changes the catalog between them.
      const stamps = this.store.shardStamps();
      const header: SnapshotHeader = { analysis: analysisKey(), layout: this.store.layout ?? '', stamps: [...stamps] };
      const changed = catalog.changedChunks;
      // In steps, with questions served between them; a catalog changed meanwhile (a shard found damaged) waits for the next write.
      const state = await runSliced(catalog.exportSteps());
      if (catalog.changedChunks !== changed) return;
      this.changedAt = catalog.changedChunks;
      this.behind = this.uncovered(stamps);
      // Never through a link planted in the index folder.
      await assertRealFolder(path.dirname(file));
      await removeDeadTempFiles(path.dirname(file));
      // The chunks first: a kill before the snapshot names them leaves the old pair, whose tokens then disagree.
      const chunksFile = path.join(path.dirname(file), CHUNK_TEXTS_FILE);
      const chunks = await writeChunkTexts(chunksFile, state.table.chunkSlots.length, this.chunkRuns(catalog, state)).catch((err: unknown) => {
        // Chunks are then read from their shards: slower questions, the same answers.
        this.log(`Warning: could not write the chunks file ${chunksFile} (${errorText(err)}); questions read chunks from the shards.`);
        return undefined;
      });
      await writeFileAtomic(file, await runSliced(encodeSteps({ ...header, ...(chunks ? { chunks } : {}) }, state)));
      if (chunks) this.adoptTexts(catalog, chunksFile, chunks, state.table.chunkSlots);
    } catch (err) {
      // The index works without it; one line, and no retry at every save.
      this.writeFailed = true;
      this.log(`Warning: could not write the lexical snapshot ${file} (${errorText(err)}); opening this index stays slower.`);
    }
  }

  /**
   * The table's chunks file by file, the files of one shard together: a chunk not in the old chunks
   * file is read from its shard, and each shard is then read once.
   */
  private chunkRuns(catalog: Catalog, state: LexicalState): ChunkRun[] {
    const t = state.table;
    const firstChunk: number[] = [];
    t.chunkCounts.reduce((at, n, i) => ((firstChunk[i] = at), at + n), 0);
    const runs = t.paths.map((p, i) => ({
      shard: this.store.shardOf?.(p) ?? 0,
      first: firstChunk[i],
      chunks: () => [...t.chunkSlots.subarray(firstChunk[i], firstChunk[i] + t.chunkCounts[i])].map((slot) => catalog.inSlot(slot)),
    }));
    return runs.sort((a, b) => a.shard - b.shard || a.first - b.first);
  }

  /** Chunks of shards the stamps leave out (changes pending, damaged): tokenized again on open. */
  private uncovered(stamps: ReadonlyMap<number, string>): number {
    let n = 0;
    for (const { record, chunkCount } of this.store.fileSummaries()) if (!stamps.has(this.store.shardOf!(record.path))) n += chunkCount;
    return n;
  }
}

/** Larger than any snapshot an index could need: a planted file this big is not read into memory. */
const MAX_SNAPSHOT_BYTES = 2 ** 31 - 1;

/**
 * The snapshot's bytes, read only from a plain file of a sane size: a link planted in a committed index
 * folder (to `/dev/zero`, a FIFO, a file elsewhere) is never followed.
 */
function readSnapshot(file: string, log: (message: string) => void): Buffer | undefined {
  try {
    return readPlainSync(file, MAX_SNAPSHOT_BYTES);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const reason = (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'it is not a plain file' : errorText(err);
    log(`Warning: the lexical snapshot ${file} is not used (${reason}); it is rebuilt from the index.`);
    return undefined;
  }
}

/**
 * The order files take slots in, on a rebuild and a restore alike: by path. The store's own order
 * depends on how it was opened (from its file list or by parsing its shards), and slots break ties.
 */
function byPath(a: { record: { path: string } }, b: { record: { path: string } }): number {
  return a.record.path < b.record.path ? -1 : a.record.path > b.record.path ? 1 : 0;
}

let analysis: string | undefined;

/**
 * What the tokenizer and the name reader make of a probe text: a build that analyses text otherwise
 * does not trust a snapshot an older one wrote.
 */
export function analysisKey(): string {
  const probe = { path: 'src/HTTPServer/parse_utils.ts', title: 'class HTTPServer > method parseRequests, function sortingTokens (part 2)', kind: 'code' as const, text: 'def handle_requests():\n  return "Tokens sorted" + x2y + $jquery_Plugin // naïve café ÆØÅ 123abc\nclass Inner:\n  fn run_tests' };
  analysis ??= `${LEXICAL_FORMAT}:${sha1(JSON.stringify([chunkTokens({ ...probe, startLine: 1, endLine: 3, language: 'typescript' }), definedSymbols(probe), tokenize('## Heading > Sub-heading: Über')]))}`;
  return analysis;
}
