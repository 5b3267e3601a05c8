import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { IndexItem, LocalIndex, MetadataTypes } from 'vectra';
import { atomicFileStorage } from './atomicStorage';
import { writeFileAtomic } from './atomicWrite';
import { describeIdentity, IndexIdentity, sameIdentity, sha1 } from './identity';
import {
  assertRealFolder,
  inspectIndexFolder,
  LEXICAL_SNAPSHOT_FILE,
  LOCK_FILE,
  MANIFEST_FILE,
  quarantineShard,
  removeDeadTempFiles,
  removeShardFolder,
  removeShardsFolder,
  SHARD_DIR_NAME,
} from './indexFolder';
import { errorText } from '../errorText';
import { IndexStore } from './indexStore';
import { FileEntry, FileRecord, FileSummary, HeldFile, heldFile, StoredChunk } from './records';
import { encodeManifest, Manifest, readManifest } from './manifestFile';
import { FORMAT, MAX_SHARD_COUNT, MetaRead, newMeta, readMeta, SHARDS_DIR_NAME, shardsDirFor, StoreMeta, writeMeta } from './storeMeta';
import { decodeVectorFile, encodeVectorFile } from './vectorFile';
import { VectorTable } from './vectorTable';
import { indexingTurn } from '../turnBudget';
import { withWriteLock } from './writeLock';
import { isSafeRelPath } from './safePath';
import { readPlainSync } from './plainFile';

export const DEFAULT_SHARD_COUNT = 256;
/** Files a shard when a new index is sized for its workspace: about 250 chunks, a quarter MiB of JSON. */
const FILES_PER_SHARD = 24;
const PARALLEL_SHARD_WRITES = 16;
/** Shards kept parsed in memory between writes, once a full run is over. */
const CACHED_SHARDS = 32;
/** Shards whose chunks a lexical index keeps in memory once read for a question or a save (the rest stay on disk). */
const RESIDENT_SHARDS = 128;
/** The file list is rewritten once this many shards moved on since it was taken (opening parses those shards). */
const MANIFEST_STALE_SHARDS = 8;
/** Larger than any shard Grounded writes: a planted index.json this big is not read into memory. */
const MAX_SHARD_BYTES = 2 ** 30;
/** The vectra item (one a shard) naming the shard's current vector file. */
const SHARD_ITEM_ID = 'shard';
const VECTOR_FILE = /^vectors-[0-9a-f]+\.f32$/;

export interface OpenedStore {
  store: ShardedStore;
  /** Why the index on disk was discarded, when it was (or, read-only, would be). */
  rebuildReason?: string;
}

export interface StoreOpenOptions {
  shardCount?: number;
  /** Reads what is there and never creates, writes or deletes anything (status, queries without update). */
  readOnly?: boolean;
}

/** There is no index in the folder, and a read-only open does not create one. */
export class NoIndexError extends Error {
  override name = 'NoIndexError';
}

/**
 * The index on disk: a set of vectra `LocalIndex` folders (shards), each file's chunks and manifest
 * entry in the shard its path hashes to. Updating one file rewrites only its shard, atomically, so the
 * cost of a save grows with the shard, not the index, and a kill mid-write leaves the previous shard.
 * Everything read from disk is checked: a damaged shard is set aside and rebuilt from its files, a
 * damaged meta file is rebuilt from the shards, and no value read from disk names a path to write.
 */
export class ShardedStore implements IndexStore {
  /**
   * Every file's entry; its chunks in memory, or (an index without vectors, for a shard unchanged
   * since it was read) only on disk, read again when asked for.
   */
  private readonly held = new Map<string, HeldFile>();
  /** Shards with chunks in memory that are also on disk, least recently used first: what may be let go. */
  private readonly resident = new Map<number, true>();
  /** The stamps the file list on disk records, once read or written. */
  private manifestStamps: ReadonlyMap<number, string> | undefined;
  /** Paths to write (or, where they no longer hash to it, to drop) per shard. */
  private readonly dirtyPaths = new Map<number, Set<string>>();
  private readonly shards = new Map<number, LocalIndex>();
  /** What each shard file looked like when this process last read or wrote it. */
  private readonly stamps = new Map<number, string>();
  /** Shards that could not be read: written afresh (after being moved aside) on the next write. */
  private readonly damaged = new Map<number, string>();
  /** Shards whose leftover temporary files this process has cleaned (under the lock). */
  private readonly cleaned = new Set<number>();
  /** Called when a shard on disk holds another writer's version of a file this process had otherwise. */
  onExternalChange?: (before: HeldFile | undefined, after: FileEntry | undefined) => void;
  /** The dense vectors of every chunk, when the index has them; the only copy in memory. */
  readonly vectors?: VectorTable;
  /** Problems found while opening, one line each, for status and the log. */
  readonly loadErrors: string[] = [];

  private constructor(
    readonly dir: string,
    private meta: StoreMeta,
    readonly readOnly: boolean,
  ) {
    if (meta.identity.dimensions > 0) this.vectors = new VectorTable(meta.identity.dimensions);
  }

  /** Opens (or creates) the index in `dir`. An index built by another embedder, model or chunker is discarded, never mixed. */
  static async open(dir: string, identity: IndexIdentity, opts: StoreOpenOptions = {}): Promise<OpenedStore> {
    const readOnly = opts.readOnly ?? false;
    const kind = await inspectIndexFolder(dir);
    if (readOnly && kind !== 'index') throw new NoIndexError(`There is no Grounded index in ${dir} yet.`);
    const read = await readMeta(dir);
    if (read.kind === 'ok' && sameIdentity(read.meta.identity, identity)) return { store: await ShardedStore.load(dir, read.meta, readOnly) };
    const recovered = read.kind === 'missing' || read.kind === 'damaged' ? await recoverMeta(dir, identity) : undefined;
    if (recovered) {
      const store = await ShardedStore.load(dir, recovered, readOnly);
      store.metaProblem = `${read.kind === 'damaged' ? read.reason : 'grounded.json is missing'}: rebuilt from the shards on disk${readOnly ? ' (written by the next index run)' : ''}`;
      store.loadErrors.unshift(store.metaProblem);
      store.metaDirty = true;
      return { store };
    }
    const rebuildReason = rebuildReasonOf(read, identity);
    const meta = newMeta(identity, opts.shardCount ?? DEFAULT_SHARD_COUNT);
    const store = new ShardedStore(dir, meta, readOnly);
    if (read.kind === 'damaged') store.loadErrors.push(`${read.reason}; the index is rebuilt`);
    if (!readOnly) await store.startFresh();
    return { store, rebuildReason };
  }

  private static async load(dir: string, meta: StoreMeta, readOnly: boolean): Promise<ShardedStore> {
    const store = new ShardedStore(dir, meta, readOnly);
    await store.loadShards();
    return store;
  }

  /** A new, empty layout: this identity's shards folder is emptied, other identities' folders removed. */
  private async startFresh(): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    await withWriteLock(this.lockFile, async () => {
      for (const name of await fs.promises.readdir(this.dir)) {
        if (SHARDS_DIR_NAME.test(name)) await removeShardsFolder(path.join(this.dir, name));
      }
      await writeMeta(this.dir, this.meta);
    });
  }

  /** Set when the meta file on disk must be rewritten (it was damaged or missing). */
  private metaDirty = false;
  private metaProblem: string | undefined;

  get identity(): IndexIdentity {
    return this.meta.identity;
  }

  get updatedAt(): string {
    return this.meta.updatedAt;
  }

  private get lockFile(): string {
    return path.join(this.dir, LOCK_FILE);
  }

  private get shardsRoot(): string {
    return path.join(this.dir, this.meta.shardsDir);
  }

  private shardDir(shard: number): string {
    return path.join(this.shardsRoot, shardName(shard));
  }

  private shardFile(shard: number): string {
    return path.join(this.shardDir(shard), 'index.json');
  }

  private get manifestFile(): string {
    return path.join(this.shardsRoot, MANIFEST_FILE);
  }

  get lexicalSnapshotFile(): string {
    return path.join(this.shardsRoot, LEXICAL_SNAPSHOT_FILE);
  }

  get layout(): string {
    return `${this.meta.shardsDir}/${this.meta.shardCount}`;
  }

  /** Stamps of the shards this process holds exactly as on disk: none with changes pending, none damaged. */
  shardStamps(): ReadonlyMap<number, string> {
    const out = new Map(this.stamps);
    for (const shard of [...this.dirtyPaths.keys(), ...this.damaged.keys()]) out.delete(shard);
    return out;
  }

  shardOf(relPath: string): number {
    return parseInt(sha1(relPath).slice(0, 8), 16) % this.meta.shardCount;
  }

  /** A file's entry and chunks; chunks kept only on disk are read (the shard's, at once) first. */
  getFile(relPath: string): FileEntry | undefined {
    let held = this.held.get(relPath);
    if (held && !held.chunks) {
      this.loadShardSync(this.shardOf(relPath));
      held = this.held.get(relPath);
    }
    return held?.chunks ? { record: held.record, chunks: held.chunks } : undefined;
  }

  getRecord(relPath: string): FileRecord | undefined {
    return this.held.get(relPath)?.record;
  }

  /** Every file with its chunks: reads every shard held only on disk (for views that need them all). */
  *allFiles(): IterableIterator<FileEntry> {
    for (const p of [...this.held.keys()]) {
      const entry = this.getFile(p);
      if (entry) yield entry;
    }
  }

  /** Every file's entry, chunk count and text size, without reading any chunk. */
  *fileSummaries(): IterableIterator<FileSummary> {
    yield* this.held.values();
  }

  get fileCount(): number {
    return this.held.size;
  }

  get shardCount(): number {
    return this.meta.shardCount;
  }

  /** Damage not yet repaired, one line each: what status shows until a write fixes it. */
  get problems(): string[] {
    const out = this.metaDirty && this.metaProblem ? [this.metaProblem] : [];
    for (const [shard, reason] of this.damaged) out.push(`shard ${shardName(shard)} is damaged (${reason.slice(0, 200)}); its files are re-indexed by the next index run`);
    return out;
  }

  /** Shards that were found damaged and are rebuilt by the next write, by folder name. */
  get damagedShards(): string[] {
    return [...this.damaged.keys()].map(shardName);
  }

  /** Whether a file's entry is missing because its shard is damaged (it is re-read by the next run). */
  isInDamagedShard(relPath: string): boolean {
    return this.damaged.has(this.shardOf(relPath));
  }

  /**
   * Replaces what is stored for one file (in memory; `flush` writes it). `vectors[i]` is `chunks[i]`'s;
   * without `vectors`, chunks keep the vectors they have (the same content under a new timestamp).
   * Throws, for this file only, when two of its chunks share an id.
   */
  putFile(record: FileRecord, chunks: StoredChunk[], vectors?: readonly ArrayLike<number>[]): void {
    if (new Set(chunks.map((c) => c.id)).size !== chunks.length) throw new Error(`${record.path}: two chunks have one id.`);
    this.setEntry({ record, chunks }, vectors);
    this.markDirty(record.path);
  }

  /** Its chunks come along when they can still be read (`undefined` when its shard on disk no longer has them). */
  removeFile(relPath: string): HeldFile | undefined {
    this.getFile(relPath);
    const entry = this.dropEntry(relPath);
    if (entry) this.markDirty(relPath);
    return entry;
  }

  private setEntry(entry: FileEntry, vectors?: readonly ArrayLike<number>[]): void {
    const previous = this.held.get(entry.record.path);
    if (this.vectors) {
      if (vectors && vectors.length !== entry.chunks.length) throw new Error(`${entry.chunks.length} chunks came with ${vectors.length} vectors.`);
      const keep = new Set(entry.chunks.map((c) => c.id));
      for (const c of previous?.chunks ?? []) if (!keep.has(c.id)) this.vectors.delete(c.id);
      vectors?.forEach((v, i) => this.vectors!.set(entry.chunks[i].id, v));
    }
    this.held.set(entry.record.path, heldFile(entry));
  }

  private dropEntry(relPath: string): HeldFile | undefined {
    const entry = this.held.get(relPath);
    if (!entry) return undefined;
    this.held.delete(relPath);
    for (const c of entry.chunks ?? []) this.vectors?.delete(c.id);
    return entry;
  }

  /**
   * Gives an index that holds nothing yet the shard count its workspace needs: one save rewrites one
   * shard, so a large workspace gets more, smaller shards and a save stays as cheap as in a small one.
   * Does nothing once anything is stored (moving files between shards is a rebuild).
   */
  async sizeFor(fileCount: number): Promise<void> {
    let shardCount = this.meta.shardCount;
    while (shardCount < MAX_SHARD_COUNT && fileCount / shardCount > FILES_PER_SHARD) shardCount *= 2;
    if (this.readOnly || shardCount === this.meta.shardCount || this.held.size > 0 || this.dirtyPaths.size > 0 || this.loadErrors.length > 0) return;
    await withWriteLock(this.lockFile, async () => {
      const onDisk = await readMeta(this.dir);
      if (onDisk.kind !== 'ok' || onDisk.meta.shardsDir !== this.meta.shardsDir) return;
      // Another writer may have stored files meanwhile: then the layout stays.
      for (const name of await fs.promises.readdir(this.shardsRoot).catch(() => [] as string[])) {
        if ((await stampOf(path.join(this.shardsRoot, name, 'index.json'))) !== 'missing') return;
      }
      this.meta = { ...onDisk.meta, shardCount };
      await writeMeta(this.dir, this.meta);
    });
  }

  private markDirty(relPath: string, shard = this.shardOf(relPath)): void {
    let set = this.dirtyPaths.get(shard);
    if (!set) this.dirtyPaths.set(shard, (set = new Set()));
    set.add(relPath);
  }

  /**
   * Writes every shard with pending changes, each atomically, under the index's write lock.
   * A shard that fails to write (disk full, read-only folder) keeps its changes pending and the old
   * shard on disk; the first error is rethrown after the other shards were tried.
   */
  async flush(): Promise<void> {
    if (this.readOnly) throw new Error(`The index in ${this.dir} was opened read-only.`);
    for (const shard of this.damaged.keys()) if (!this.dirtyPaths.has(shard)) this.dirtyPaths.set(shard, new Set());
    if (this.dirtyPaths.size === 0 && !this.metaDirty) return;
    let firstError: unknown;
    await withWriteLock(this.lockFile, async () => {
      // Never through a link planted in the index folder: checked once a write, under the lock.
      await assertRealFolder(this.dir);
      await assertRealFolder(this.shardsRoot);
      await this.followLayout();
      await removeDeadTempFiles(this.dir);
      // Shards are independent files: writing several at once overlaps their fsyncs, which otherwise
      // dominate a full run's final write (256 sequential fsyncs).
      const queue = [...this.dirtyPaths];
      const writer = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [shard, paths] = next;
          try {
            // Parallel writers whose I/O completes together would serialise their shards in one turn.
            await indexingTurn();
            await this.writeShard(shard, paths);
            this.dirtyPaths.delete(shard);
          } catch (err) {
            firstError ??= err;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_SHARD_WRITES, queue.length) }, writer));
      if (firstError === undefined) {
        this.meta = { ...this.meta, updatedAt: new Date().toISOString() };
        await writeMeta(this.dir, this.meta);
        this.metaDirty = false;
      }
    });
    // What was written is on disk now: a lexical index need not hold it (read again when asked for).
    this.evictChunks(RESIDENT_SHARDS);
    if (firstError !== undefined) throw new Error(`Could not write the index in ${this.dir}: ${errorText(firstError)}`);
  }

  /** Another writer sized the (then empty) index after this one opened it: its files move to the new shards. */
  private async followLayout(): Promise<void> {
    const onDisk = await readMeta(this.dir);
    if (onDisk.kind !== 'ok' || onDisk.meta.shardsDir !== this.meta.shardsDir || onDisk.meta.shardCount === this.meta.shardCount) return;
    this.meta = { ...this.meta, shardCount: onDisk.meta.shardCount };
    const dirty = [...this.dirtyPaths.values()].flatMap((set) => [...set]);
    this.dirtyPaths.clear();
    this.shards.clear();
    this.stamps.clear();
    for (const p of dirty) if (this.held.has(p)) this.markDirty(p);
  }

  private async writeShard(shard: number, paths: Set<string>): Promise<void> {
    await this.prepareShardFolder(shard);
    const index = await this.adoptExternalChanges(shard, paths);
    const removeIds = new Set<string>();
    const chunkIds: string[] = [];
    for (const item of await index.listItems()) {
      if (item.metadata.type !== 'file' && item.metadata.type !== 'chunk') continue;
      if (paths.has(String(item.metadata.path))) removeIds.add(item.id);
      else if (item.metadata.type === 'chunk') chunkIds.push(item.id);
    }
    await index.beginUpdate();
    let vectorFile: string | undefined;
    try {
      await index.deleteItems(removeIds);
      const written = new Set(chunkIds);
      for (const p of paths) {
        const entry = this.held.get(p);
        // A path that hashes elsewhere is only being dropped from this shard (a layout left by another shard count).
        if (!entry || this.shardOf(p) !== shard) continue;
        if (!entry.chunks) {
          // Its chunks were only in the damaged shard: the file is read again by the next run.
          this.loseFile(p);
          continue;
        }
        await index.insertItem(fileItem(entry.record));
        for (const chunk of entry.chunks) {
          if (written.has(chunk.id)) continue; // never fail a whole shard over one chunk
          written.add(chunk.id);
          await index.insertItem(chunkItem(chunk));
          chunkIds.push(chunk.id);
        }
      }
      vectorFile = await this.writeVectors(shard, index, chunkIds);
      await index.endUpdate();
      this.stamps.set(shard, await stampOf(this.shardFile(shard)));
      this.touchResident(shard);
    } catch (err) {
      index.cancelUpdate();
      if (vectorFile) await fs.promises.rm(path.join(this.shardDir(shard), vectorFile), { force: true });
      throw err;
    }
    if (vectorFile) await removeVectorFilesExcept(this.shardDir(shard), vectorFile);
    await this.dropIfOutsideLayout(shard, chunkIds.length);
  }

  /**
   * The vector file is written first under a new name and index.json then names it: a kill in
   * between leaves the previous index.json naming the previous file, both intact.
   */
  private async writeVectors(shard: number, index: LocalIndex, chunkIds: string[]): Promise<string | undefined> {
    if (!this.vectors) return undefined;
    const vectorFile = `vectors-${randomBytes(8).toString('hex')}.f32`;
    await writeFileAtomic(path.join(this.shardDir(shard), vectorFile), this.encodeVectors(chunkIds));
    await index.upsertItem({ id: SHARD_ITEM_ID, vector: [], metadata: { type: 'shard', vectors: vectorFile } });
    return vectorFile;
  }

  /** A shard folder the layout no longer has (a larger shard count before) goes once emptied. */
  private async dropIfOutsideLayout(shard: number, chunks: number): Promise<void> {
    if (shard < this.meta.shardCount || chunks > 0) return;
    this.shards.delete(shard);
    this.stamps.delete(shard);
    await removeShardFolder(this.shardDir(shard));
  }

  /**
   * Before the first write of a shard by this process: its folder must be a real folder (never a
   * link into somewhere else), a damaged shard is moved aside, and dead writers' temporary files go.
   */
  private async prepareShardFolder(shard: number): Promise<void> {
    const folder = this.shardDir(shard);
    const stat = await fs.promises.lstat(folder).catch(() => undefined);
    if (this.damaged.has(shard) || (stat && !stat.isDirectory())) {
      if (stat) await quarantineShard(folder);
      this.damaged.delete(shard);
      this.shards.delete(shard);
      this.stamps.delete(shard);
      // Everything this process holds for the shard is written into the fresh one.
      for (const p of this.held.keys()) if (this.shardOf(p) === shard) this.markDirty(p, shard);
    }
    if (!this.cleaned.has(shard)) {
      await removeDeadTempFiles(folder);
      this.cleaned.add(shard);
    }
  }

  private encodeVectors(ids: string[]): Buffer {
    const table = this.vectors!;
    return encodeVectorFile(ids, table.dims, (id, target, offset) => {
      // Every chunk in memory has its vector; a zero row (never similar to anything) is the safe fallback.
      if (!table.copyInto(id, target, offset)) target.fill(0, offset, offset + table.dims);
    });
  }

  /**
   * Two writers on one index (two windows, or the CLI beside the editor) take turns under the lock;
   * before writing a shard, the other writer's changes to it are read back and kept, so neither loses
   * the other's files. Returns the shard index to write into.
   */
  private async adoptExternalChanges(shard: number, dirty: Set<string>): Promise<LocalIndex> {
    const known = this.stamps.get(shard);
    const now = await stampOf(this.shardFile(shard));
    if (known === now || (known === undefined && now === 'missing')) return this.shardIndex(shard);
    let onDisk: FileEntry[] = [];
    let vectors: Map<string, Float32Array> | undefined;
    if (now !== 'missing') {
      try {
        ({ entries: onDisk, vectors } = await this.readShard(this.shardDir(shard)));
      } catch (err) {
        // Damaged since this process read it: set aside, and this writer's full view of it replaces it.
        this.damaged.set(shard, errorText(err));
        await this.prepareShardFolder(shard);
        return this.shardIndex(shard);
      }
    }
    const diskPaths = new Set(onDisk.map((e) => e.record.path));
    for (const entry of onDisk) {
      if (dirty.has(entry.record.path) || this.shardOf(entry.record.path) !== shard) continue;
      const mine = this.held.get(entry.record.path);
      if (mine && mine.record.hash === entry.record.hash && mine.record.mtimeMs === entry.record.mtimeMs) {
        mine.chunks ??= entry.chunks;
        continue;
      }
      this.setEntry(entry, vectors && entry.chunks.map((c) => vectors!.get(c.id)!));
      this.onExternalChange?.(mine, entry);
    }
    for (const [p, mine] of [...this.held]) {
      if (dirty.has(p) || diskPaths.has(p) || this.shardOf(p) !== shard) continue;
      this.dropEntry(p);
      this.onExternalChange?.(mine, undefined);
    }
    // vectra reads the shard again, as it now is, to write into it.
    this.shards.delete(shard);
    return this.shardIndex(shard);
  }

  /**
   * One shard as on disk: its entries and, when the index has vectors, each chunk's vector. Throws when
   * the shard cannot be read whole (a chunk without its vector counts as damage).
   */
  private async readShard(folder: string): Promise<{ entries: FileEntry[]; vectors?: Map<string, Float32Array> }> {
    // Another writer may replace index.json and delete the vector file it named between our two reads;
    // reading both again then finds the pair it wrote.
    for (let attempt = 0; ; attempt++) {
      const items = itemsOf(readShardText(path.join(folder, 'index.json')));
      const entries = entriesOf(items);
      if (!this.vectors) return { entries };
      const named = items.find((i) => i.id === SHARD_ITEM_ID)?.metadata.vectors;
      const chunkCount = entries.reduce((n, e) => n + e.chunks.length, 0);
      if (named === undefined && chunkCount === 0) return { entries, vectors: new Map() };
      if (typeof named !== 'string' || !VECTOR_FILE.test(named)) throw new Error('index.json names no vector file');
      let data: Buffer;
      try {
        data = await fs.promises.readFile(path.join(folder, named));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt < 3) continue;
        throw err;
      }
      const decoded = decodeVectorFile(data, this.vectors.dims);
      const vectors = new Map<string, Float32Array>();
      decoded.ids.forEach((id, i) => vectors.set(id, decoded.rows.subarray(i * decoded.dims, (i + 1) * decoded.dims)));
      for (const e of entries) for (const c of e.chunks) if (!vectors.has(c.id)) throw new Error(`the vector of a chunk of ${e.record.path} is missing`);
      return { entries, vectors };
    }
  }

  /**
   * vectra keeps a parsed copy of every shard it has read (a few hundred bytes a chunk beside the
   * engine's own): after a full run only the shards written last stay parsed, the others are read
   * again when next written. A save then costs one parse of one shard, and the open index holds one
   * copy of its metadata.
   */
  releaseShardCache(keep = CACHED_SHARDS): void {
    for (const shard of this.shards.keys()) {
      if (this.shards.size <= keep) break;
      this.shards.delete(shard);
    }
    this.evictChunks(RESIDENT_SHARDS);
  }

  private async shardIndex(shard: number): Promise<LocalIndex> {
    let index = this.shards.get(shard);
    if (index) {
      // Most recently used last, so that releaseShardCache keeps the shards being saved.
      this.shards.delete(shard);
      this.shards.set(shard, index);
      return index;
    }
    const folder = this.shardDir(shard);
    const vectra = await import('vectra');
    index = new vectra.LocalIndex(folder, undefined, await atomicFileStorage());
    if (!(await index.isIndexCreated())) {
      await fs.promises.mkdir(folder, { recursive: true });
      await index.createIndex({ version: 1 });
    }
    this.shards.set(shard, index);
    return index;
  }

  /**
   * Reads every shard. A shard that cannot be read is reported and left out: its files are re-read by
   * the next run, and a writer moves it aside and writes it afresh. A file found in a shard its path
   * does not hash to (a layout of another shard count) is kept, and moved by the next write.
   */
  private async loadShards(): Promise<void> {
    const names = await fs.promises.readdir(this.shardsRoot, { withFileTypes: true }).catch(() => [] as fs.Dirent[]);
    const manifest = this.vectors ? undefined : await readManifest(this.manifestFile, this.layout, this.meta.shardCount, (reason) => this.loadErrors.push(reason));
    if (manifest) this.manifestStamps = new Map([...manifest.shards].map(([shard, s]) => [shard, s.stamp]));
    const misplaced: [number, FileEntry, Map<string, Float32Array> | undefined][] = [];
    for (const dirent of names) {
      if (!SHARD_DIR_NAME.test(dirent.name)) continue;
      const shard = parseInt(dirent.name.slice(1), 16);
      const folder = path.join(this.shardsRoot, dirent.name);
      if (!dirent.isDirectory()) {
        this.markDamaged(shard, 'is not a folder');
        continue;
      }
      // A writer killed between creating a shard's folder and its first write leaves an empty folder.
      const stamp = await stampOf(path.join(folder, 'index.json'));
      if (stamp === 'missing') continue;
      if (manifest && this.holdListed(shard, stamp, manifest)) continue;
      let read: Awaited<ReturnType<ShardedStore['readShard']>>;
      try {
        read = await this.readShard(folder);
      } catch (err) {
        this.markDamaged(shard, errorText(err));
        continue;
      }
      this.stamps.set(shard, await stampOf(path.join(folder, 'index.json')));
      this.touchResident(shard);
      for (const entry of read.entries) {
        if (this.shardOf(entry.record.path) === shard) this.setEntry(entry, vectorsOf(entry, read.vectors));
        else misplaced.push([shard, entry, read.vectors]);
      }
    }
    for (const [shard, entry, vectors] of misplaced) this.adoptMisplaced(shard, entry, vectors);
  }

  /**
   * A shard whose index.json is as the file list recorded it: its files are held from the list, their
   * chunks left on disk. False (the shard is parsed) when the list does not have it so.
   */
  private holdListed(shard: number, stamp: string, manifest: Manifest): boolean {
    const listed = manifest.shards.get(shard);
    if (!listed || listed.stamp !== stamp || listed.files.some((f) => this.shardOf(f.record.path) !== shard)) return false;
    for (const f of listed.files) this.held.set(f.record.path, { ...f, chunks: undefined });
    this.stamps.set(shard, stamp);
    return true;
  }

  /**
   * Reads the chunks of a shard's files that were held only on disk, synchronously (a question needs
   * them now; a shard is small). Only files whose entry on disk is the one held get their chunks: a
   * shard another writer changed meanwhile is adopted by this process's next write, as any other.
   * A shard that cannot be read counts as damaged: its files held only on disk are let go (the next
   * run reads them again) and the write after it rewrites the shard.
   */
  private loadShardSync(shard: number): void {
    let entries: FileEntry[];
    try {
      entries = readShardFileSync(this.shardFile(shard));
    } catch (err) {
      this.markDamaged(shard, errorText(err));
      for (const [p, held] of [...this.held]) if (!held.chunks && this.shardOf(p) === shard) this.loseFile(p, true);
      return;
    }
    for (const e of entries) {
      const held = this.held.get(e.record.path);
      if (held && !held.chunks && held.record.hash === e.record.hash && held.chunkCount === e.chunks.length) held.chunks = e.chunks;
    }
    this.touchResident(shard);
    if (this.resident.size > 2 * RESIDENT_SHARDS) this.evictChunks(RESIDENT_SHARDS);
  }

  /**
   * Drops a file whose chunks can no longer be read; the lexical index hears of it after the
   * question or write under way (never in the middle of ranking).
   */
  private loseFile(relPath: string, deferred = false): void {
    const held = this.dropEntry(relPath);
    if (!held) return;
    const tell = () => this.onExternalChange?.(held, undefined);
    if (deferred) queueMicrotask(tell);
    else tell();
  }

  private touchResident(shard: number): void {
    this.resident.delete(shard);
    this.resident.set(shard, true);
  }

  /**
   * Lets go of the chunks of shards written or read longest ago, down to `keep` shards: their content
   * is on disk as held (nothing pending, not damaged), so it is read again when next asked for. Only
   * an index without vectors: one with them reads every shard's vectors on open anyway.
   */
  private evictChunks(keep: number): void {
    if (this.vectors || this.resident.size <= keep) return;
    const victims = new Set<number>();
    for (const shard of this.resident.keys()) {
      if (this.resident.size - victims.size <= keep) break;
      if (!this.dirtyPaths.has(shard) && !this.damaged.has(shard) && this.stamps.has(shard)) victims.add(shard);
    }
    if (victims.size === 0) return;
    for (const [p, held] of this.held) if (held.chunks && victims.has(this.shardOf(p))) held.chunks = undefined;
    for (const shard of victims) this.resident.delete(shard);
  }

  /**
   * Writes the file list (every shard's files without their chunks) once enough shards moved on since
   * it was last written, so that the next open parses only those. Nothing pending, nothing damaged:
   * the list then records each shard exactly as on disk.
   */
  async saveManifest(): Promise<void> {
    if (this.readOnly || this.vectors || this.dirtyPaths.size > 0 || this.damaged.size > 0 || this.metaDirty) return;
    if (this.manifestStamps ? staleShards(this.stamps, this.manifestStamps) < MANIFEST_STALE_SHARDS : this.held.size === 0) return;
    const shards = new Map([...this.stamps].map(([shard, stamp]) => [shard, { stamp, files: [] as FileSummary[] }]));
    for (const held of this.held.values()) shards.get(this.shardOf(held.record.path))?.files.push({ record: held.record, chunkCount: held.chunkCount, chars: held.chars });
    const stamps = new Map(this.stamps);
    // Never through a link planted in the index folder.
    await assertRealFolder(this.shardsRoot);
    await writeFileAtomic(this.manifestFile, encodeManifest({ layout: this.layout, shards }));
    this.manifestStamps = stamps;
  }

  private markDamaged(shard: number, reason: string): void {
    this.damaged.set(shard, reason);
    this.loadErrors.push(`shard ${shardName(shard)} is damaged (${reason.slice(0, 200)}); its files are re-indexed${this.readOnly ? ' by the next index run' : ''}`);
  }

  /** Dropped from the shard it is in by the next write; kept (and written where it belongs) unless its own shard had it. */
  private adoptMisplaced(shard: number, entry: FileEntry, vectors: Map<string, Float32Array> | undefined): void {
    if (this.readOnly) {
      if (!this.held.has(entry.record.path)) this.setEntry(entry, vectorsOf(entry, vectors));
      return;
    }
    this.markDirty(entry.record.path, shard);
    if (this.held.has(entry.record.path)) return;
    this.setEntry(entry, vectorsOf(entry, vectors));
    this.markDirty(entry.record.path);
  }

  /** Bytes on disk under the index folder. */
  async diskBytes(): Promise<number> {
    return folderBytes(this.dir);
  }
}

function fileItem(record: FileRecord): Partial<IndexItem> {
  const metadata: Record<string, MetadataTypes> = {
    type: 'file',
    path: record.path,
    hash: record.hash,
    size: record.size,
    mtimeMs: record.mtimeMs,
    indexedAt: record.indexedAt,
  };
  if (record.skipped) metadata.skipped = record.skipped;
  return { id: `f:${sha1(record.path)}`, vector: [], metadata };
}

function chunkItem(chunk: StoredChunk): Partial<IndexItem> {
  return {
    id: chunk.id,
    vector: [],
    metadata: {
      type: 'chunk',
      path: chunk.path,
      startLine: chunk.startLine,
      endLine: chunk.endLine,
      language: chunk.language,
      kind: chunk.kind,
      title: chunk.title,
      text: chunk.text,
      hash: chunk.hash,
      ...(chunk.page !== undefined ? { page: chunk.page } : {}),
      ...(chunk.cell !== undefined ? { cell: chunk.cell } : {}),
    },
  };
}

/**
 * A shard's items as file entries. Every item is checked (a shard is untrusted input): a malformed
 * item, or a path that could leave the workspace folder, makes the whole shard count as damaged.
 */
function entriesOf(items: IndexItem[]): FileEntry[] {
  if (!Array.isArray(items)) throw new Error('index.json holds no item list');
  const records = new Map<string, FileRecord>();
  const chunks = new Map<string, StoredChunk[]>();
  const paths = new Map<string, string>();
  for (const item of items) {
    const m = item?.metadata;
    if (!m || typeof m !== 'object' || typeof item.id !== 'string') throw new Error('an item has no metadata');
    if (m.type === 'shard') continue;
    if (typeof m.path !== 'string' || !isSafeRelPath(m.path)) throw new Error('an item has an invalid path');
    // JSON.parse gives every item its own copy of the path and language; an index of 100k chunks
    // holds them once each instead (vectra's items are pointed at the shared copy too).
    const p = intern(paths, m.path);
    m.path = p;
    if (m.type === 'file') records.set(p, fileRecordOf(p, m));
    else if (m.type === 'chunk') {
      m.language = intern(LANGUAGE_NAMES, String(m.language));
      const list = chunks.get(p) ?? [];
      list.push(storedChunkOf(item.id, p, m));
      chunks.set(p, list);
    } else throw new Error('an item has an unknown type');
  }
  // Chunks without a manifest entry cannot come from a completed write; they are ignored.
  return [...records.values()].map((record) => ({
    record,
    chunks: (chunks.get(record.path) ?? []).sort((a, b) => a.startLine - b.startLine),
  }));
}

function fileRecordOf(p: string, m: Record<string, MetadataTypes>): FileRecord {
  if (typeof m.hash !== 'string' || !isCount(m.size) || typeof m.mtimeMs !== 'number' || !Number.isFinite(m.mtimeMs)) throw new Error(`the entry of ${p} is malformed`);
  if (m.skipped !== undefined && typeof m.skipped !== 'string') throw new Error(`the entry of ${p} is malformed`);
  return { path: p, hash: m.hash, size: m.size, mtimeMs: m.mtimeMs, indexedAt: Number(m.indexedAt) || 0, skipped: m.skipped };
}

function storedChunkOf(id: string, p: string, m: Record<string, MetadataTypes>): StoredChunk {
  if (!isCount(m.startLine) || !isCount(m.endLine) || m.endLine < m.startLine) throw new Error(`a chunk of ${p} has invalid lines`);
  if (typeof m.text !== 'string' || typeof m.title !== 'string' || typeof m.hash !== 'string') throw new Error(`a chunk of ${p} is malformed`);
  return { id, path: p, startLine: m.startLine, endLine: m.endLine, language: String(m.language), kind: m.kind === 'doc' ? 'doc' : 'code', title: m.title, text: m.text, hash: m.hash, ...locatorOf(m) };
}

function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0;
}

function vectorsOf(entry: FileEntry, vectors: Map<string, Float32Array> | undefined): Float32Array[] | undefined {
  return vectors && entry.chunks.map((c) => vectors.get(c.id)!);
}

function shardName(shard: number): string {
  return `s${shard.toString(16).padStart(3, '0')}`;
}

const LANGUAGE_NAMES = new Map<string, string>();

/** A chunk's page and cell, kept only when they are what they claim: the index files are untrusted input. */
function locatorOf(m: Record<string, MetadataTypes>): { page?: number; cell?: number } {
  const ok = (v: MetadataTypes) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
  return { ...(ok(m.page) ? { page: m.page as number } : {}), ...(ok(m.cell) ? { cell: m.cell as number } : {}) };
}

function intern(canonical: Map<string, string>, s: string): string {
  const known = canonical.get(s);
  if (known !== undefined) return known;
  canonical.set(s, s);
  return s;
}

/** The identity of the index in `dir`, if there is one. */
export async function readIndexIdentity(dir: string): Promise<IndexIdentity | undefined> {
  const read = await readMeta(dir);
  return read.kind === 'ok' ? read.meta.identity : undefined;
}

/**
 * A missing or damaged meta file next to this identity's shards: the layout is rebuilt from the shard
 * folders (their highest number gives the shard count; a file found in the wrong shard is moved).
 */
async function recoverMeta(dir: string, identity: IndexIdentity): Promise<StoreMeta | undefined> {
  const root = path.join(dir, shardsDirFor(identity));
  if (!(await assertRealFolder(root).catch(() => false))) return undefined;
  const shards = (await fs.promises.readdir(root)).filter((n) => SHARD_DIR_NAME.test(n)).map((n) => parseInt(n.slice(1), 16));
  if (shards.length === 0) return undefined;
  let shardCount = DEFAULT_SHARD_COUNT;
  while (shardCount <= Math.max(...shards) && shardCount < MAX_SHARD_COUNT) shardCount *= 2;
  return newMeta(identity, shardCount);
}

function rebuildReasonOf(read: MetaRead, identity: IndexIdentity): string | undefined {
  if (read.kind === 'outdated') return `index format ${read.format} is not ${FORMAT}`;
  if (read.kind === 'ok') return `index was built with ${describeIdentity(read.meta.identity)}; now ${describeIdentity(identity)}`;
  if (read.kind === 'damaged') return read.reason;
  return undefined;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => [] as fs.Dirent[]);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(p);
    else total += (await fs.promises.stat(p).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** Drops vector files a shard's index.json no longer names (replaced ones, or one orphaned by a kill). */
async function removeVectorFilesExcept(folder: string, keep: string): Promise<void> {
  const names = await fs.promises.readdir(folder).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n !== keep && VECTOR_FILE.test(n)).map((n) => fs.promises.rm(path.join(folder, n), { force: true })));
}

/** Identifies one version of a file on disk: an atomic rename always changes the inode. */
async function stampOf(file: string): Promise<string> {
  try {
    return stampText(await fs.promises.stat(file));
  } catch {
    return 'missing';
  }
}

function stampText(s: fs.Stats): string {
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

/** Shards whose stamp now differs from (or is missing in) the stamps a file list recorded. */
function staleShards(now: ReadonlyMap<number, string>, listed: ReadonlyMap<number, string>): number {
  let n = 0;
  for (const [shard, stamp] of now) if (listed.get(shard) !== stamp) n++;
  for (const shard of listed.keys()) if (!now.has(shard)) n++;
  return n;
}

/** One shard's entries, read synchronously from a plain file of a sane size (never through a link). */
function readShardFileSync(file: string): FileEntry[] {
  return entriesOf(itemsOf(readShardText(file)));
}

/** A shard's index.json, from a plain file only (a link or a FIFO planted in its place is refused, never waited on). */
function readShardText(file: string): string {
  try {
    return readPlainSync(file, MAX_SHARD_BYTES).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENXIO') throw new Error('index.json is not a plain file');
    throw err;
  }
}

/**
 * A shard's vectra items, read as vectra reads them (its JSON codec) without loading vectra: a process
 * that only answers questions never needs it (loading it costs 115 MB and a tenth of a second).
 */
function itemsOf(text: string): IndexItem[] {
  const data = JSON.parse(text) as { items?: IndexItem[] } | null;
  return data?.items as IndexItem[];
}
