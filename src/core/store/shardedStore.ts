import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { IndexItem, LocalIndex, MetadataTypes } from 'vectra';
import { AtomicFileStorage } from './atomicStorage';
import { removeStaleTempFiles, writeFileAtomic } from './atomicWrite';
import { describeIdentity, IndexIdentity, identityKey, sameIdentity, sha1 } from './identity';
import { FileEntry, FileRecord, StoredChunk } from './records';
import { decodeVectorFile, encodeVectorFile } from './vectorFile';
import { VectorTable } from './vectorTable';
import { indexingTurn } from '../turnBudget';
import { withWriteLock } from './writeLock';

/** 2: vectors moved out of vectra's JSON into a float32 file beside each shard. */
const FORMAT = 2;
const META_FILE = 'grounded.json';
const LOCK_FILE = 'write.lock';
export const DEFAULT_SHARD_COUNT = 256;
/** Shard folders are named by three hex digits. */
const MAX_SHARD_COUNT = 4096;
/** Files a shard when a new index is sized for its workspace: about 250 chunks, a quarter MiB of JSON. */
const FILES_PER_SHARD = 24;
const PARALLEL_SHARD_WRITES = 16;
/** Shards kept parsed in memory between writes, once a full run is over. */
const CACHED_SHARDS = 32;
/** The vectra item (one a shard) naming the shard's current vector file. */
const SHARD_ITEM_ID = 'shard';
const VECTOR_FILE = /^vectors-[0-9a-f]+\.f32$/;

interface StoreMeta {
  format: number;
  identity: IndexIdentity;
  shardCount: number;
  /** Folder (under the index dir) holding this identity's shards: vectors of two models never share one. */
  shardsDir: string;
  createdAt: string;
  updatedAt: string;
}

export interface OpenedStore {
  store: ShardedStore;
  /** Why the index on disk was discarded, when it was. */
  rebuildReason?: string;
}

/**
 * The index on disk: a set of vectra `LocalIndex` folders (shards), each file's chunks and manifest
 * entry in the shard its path hashes to. Updating one file rewrites only its shard, atomically, so the
 * cost of a save grows with the shard, not the index, and a kill mid-write leaves the previous shard.
 */
export class ShardedStore {
  private readonly files = new Map<string, FileEntry>();
  private readonly dirtyPaths = new Map<number, Set<string>>();
  private readonly shards = new Map<number, LocalIndex>();
  /** What each shard file looked like when this process last read or wrote it. */
  private readonly stamps = new Map<number, string>();
  /** Called when a shard on disk holds another writer's version of a file this process had otherwise. */
  onExternalChange?: (before: FileEntry | undefined, after: FileEntry | undefined) => void;
  private readonly storage = new AtomicFileStorage();
  /** The dense vectors of every chunk, when the index has them; the only copy in memory. */
  readonly vectors?: VectorTable;

  private constructor(
    readonly dir: string,
    private meta: StoreMeta,
  ) {
    if (meta.identity.dimensions > 0) this.vectors = new VectorTable(meta.identity.dimensions);
  }

  /** Opens (or creates) the index in `dir`. An index built by another embedder, model or chunker is discarded, never mixed. */
  static async open(dir: string, identity: IndexIdentity, shardCount = DEFAULT_SHARD_COUNT): Promise<OpenedStore> {
    await fs.promises.mkdir(dir, { recursive: true });
    const existing = await readMeta(dir);
    let rebuildReason: string | undefined;
    if (existing && existing.format === FORMAT && sameIdentity(existing.identity, identity)) {
      const store = new ShardedStore(dir, existing);
      await store.load();
      return { store };
    }
    if (existing) {
      rebuildReason =
        existing.format !== FORMAT
          ? `index format ${existing.format} is not ${FORMAT}`
          : `index was built with ${describeIdentity(existing.identity)}; now ${describeIdentity(identity)}`;
    }
    const now = new Date().toISOString();
    const meta: StoreMeta = { format: FORMAT, identity, shardCount, shardsDir: `shards-${identityKey(identity)}`, createdAt: now, updatedAt: now };
    const store = new ShardedStore(dir, meta);
    await withWriteLock(store.lockFile, async () => {
      await fs.promises.rm(path.join(dir, meta.shardsDir), { recursive: true, force: true });
      await writeFileAtomic(path.join(dir, META_FILE), JSON.stringify(meta, null, 2));
      if (existing && existing.shardsDir !== meta.shardsDir) {
        await fs.promises.rm(path.join(dir, existing.shardsDir), { recursive: true, force: true });
      }
    });
    return { store, rebuildReason };
  }

  get identity(): IndexIdentity {
    return this.meta.identity;
  }

  get updatedAt(): string {
    return this.meta.updatedAt;
  }

  private get lockFile(): string {
    return path.join(this.dir, LOCK_FILE);
  }

  private shardDir(shard: number): string {
    return path.join(this.dir, this.meta.shardsDir, `s${shard.toString(16).padStart(3, '0')}`);
  }

  shardOf(relPath: string): number {
    return parseInt(sha1(relPath).slice(0, 8), 16) % this.meta.shardCount;
  }

  getFile(relPath: string): FileEntry | undefined {
    return this.files.get(relPath);
  }

  allFiles(): IterableIterator<FileEntry> {
    return this.files.values();
  }

  get fileCount(): number {
    return this.files.size;
  }

  /**
   * Replaces what is stored for one file (in memory; `flush` writes it). `vectors[i]` is `chunks[i]`'s;
   * without `vectors`, chunks keep the vectors they have (the same content under a new timestamp).
   */
  putFile(record: FileRecord, chunks: StoredChunk[], vectors?: readonly ArrayLike<number>[]): void {
    this.setEntry({ record, chunks }, vectors);
    this.markDirty(record.path);
  }

  removeFile(relPath: string): FileEntry | undefined {
    const entry = this.dropEntry(relPath);
    if (entry) this.markDirty(relPath);
    return entry;
  }

  private setEntry(entry: FileEntry, vectors?: readonly ArrayLike<number>[]): void {
    const previous = this.files.get(entry.record.path);
    if (this.vectors) {
      if (vectors && vectors.length !== entry.chunks.length) throw new Error(`${entry.chunks.length} chunks came with ${vectors.length} vectors.`);
      const keep = new Set(entry.chunks.map((c) => c.id));
      for (const c of previous?.chunks ?? []) if (!keep.has(c.id)) this.vectors.delete(c.id);
      vectors?.forEach((v, i) => this.vectors!.set(entry.chunks[i].id, v));
    }
    this.files.set(entry.record.path, entry);
  }

  private dropEntry(relPath: string): FileEntry | undefined {
    const entry = this.files.get(relPath);
    if (!entry) return undefined;
    this.files.delete(relPath);
    for (const c of entry.chunks) this.vectors?.delete(c.id);
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
    if (shardCount === this.meta.shardCount || this.files.size > 0 || this.dirtyPaths.size > 0 || this.loadErrors.length > 0) return;
    await withWriteLock(this.lockFile, async () => {
      const onDisk = await readMeta(this.dir);
      if (onDisk?.shardsDir !== this.meta.shardsDir) return;
      // Another writer may have stored files meanwhile: then the layout stays.
      const root = path.join(this.dir, this.meta.shardsDir);
      for (const name of await fs.promises.readdir(root).catch(() => [] as string[])) {
        if ((await stampOf(path.join(root, name, 'index.json'))) !== 'missing') return;
      }
      this.meta = { ...onDisk, shardCount };
      await writeFileAtomic(path.join(this.dir, META_FILE), JSON.stringify(this.meta, null, 2));
    });
  }

  get shardCount(): number {
    return this.meta.shardCount;
  }

  get pendingWrites(): number {
    let n = 0;
    for (const s of this.dirtyPaths.values()) n += s.size;
    return n;
  }

  private markDirty(relPath: string): void {
    const shard = this.shardOf(relPath);
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
    if (this.dirtyPaths.size === 0) return;
    let firstError: unknown;
    await withWriteLock(this.lockFile, async () => {
      await this.followLayout();
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
        await writeFileAtomic(path.join(this.dir, META_FILE), JSON.stringify(this.meta, null, 2));
      }
    });
    if (firstError !== undefined) throw new Error(`Could not write the index in ${this.dir}: ${errorText(firstError)}`);
  }

  /** Another writer sized the (then empty) index after this one opened it: its files move to the new shards. */
  private async followLayout(): Promise<void> {
    const onDisk = await readMeta(this.dir);
    if (!onDisk || onDisk.shardsDir !== this.meta.shardsDir || onDisk.shardCount === this.meta.shardCount) return;
    this.meta = { ...this.meta, shardCount: onDisk.shardCount };
    const dirty = [...this.dirtyPaths.values()].flatMap((set) => [...set]);
    this.dirtyPaths.clear();
    this.shards.clear();
    this.stamps.clear();
    for (const p of dirty) this.markDirty(p);
  }

  private async writeShard(shard: number, paths: Set<string>): Promise<void> {
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
      for (const p of paths) {
        const entry = this.files.get(p);
        if (!entry) continue;
        await index.insertItem(fileItem(entry.record));
        for (const chunk of entry.chunks) {
          await index.insertItem(chunkItem(chunk));
          chunkIds.push(chunk.id);
        }
      }
      if (this.vectors) {
        // The vector file is written first under a new name and index.json then names it: a kill in
        // between leaves the previous index.json naming the previous file, both intact.
        vectorFile = `vectors-${randomBytes(8).toString('hex')}.f32`;
        await writeFileAtomic(path.join(this.shardDir(shard), vectorFile), this.encodeVectors(chunkIds));
        await index.upsertItem({ id: SHARD_ITEM_ID, vector: [], metadata: { type: 'shard', vectors: vectorFile } });
      }
      await index.endUpdate();
      this.stamps.set(shard, await stampOf(this.shardFile(shard)));
    } catch (err) {
      index.cancelUpdate();
      if (vectorFile) await fs.promises.rm(path.join(this.shardDir(shard), vectorFile), { force: true });
      throw err;
    }
    if (vectorFile) await removeVectorFilesExcept(this.shardDir(shard), vectorFile);
  }

  private encodeVectors(ids: string[]): Buffer {
    const table = this.vectors!;
    return encodeVectorFile(ids, table.dims, (id, target, offset) => {
      // Every chunk in memory has its vector; a zero row (never similar to anything) is the safe fallback.
      if (!table.copyInto(id, target, offset)) target.fill(0, offset, offset + table.dims);
    });
  }

  private shardFile(shard: number): string {
    return path.join(this.shardDir(shard), 'index.json');
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
    let fresh: LocalIndex | undefined;
    let onDisk: FileEntry[] = [];
    let vectors: Map<string, Float32Array> | undefined;
    if (now !== 'missing') {
      try {
        ({ index: fresh, entries: onDisk, vectors } = await this.readShard(this.shardDir(shard)));
      } catch {
        return this.shardIndex(shard); // unreadable: this writer's full view replaces it
      }
    }
    const diskPaths = new Set(onDisk.map((e) => e.record.path));
    for (const entry of onDisk) {
      if (dirty.has(entry.record.path)) continue;
      const mine = this.files.get(entry.record.path);
      if (mine && mine.record.hash === entry.record.hash && mine.record.mtimeMs === entry.record.mtimeMs) continue;
      this.setEntry(entry, vectors && entry.chunks.map((c) => vectors!.get(c.id)!));
      this.onExternalChange?.(mine, entry);
    }
    for (const [p, mine] of [...this.files]) {
      if (dirty.has(p) || diskPaths.has(p) || this.shardOf(p) !== shard) continue;
      this.dropEntry(p);
      this.onExternalChange?.(mine, undefined);
    }
    if (!fresh) {
      this.shards.delete(shard);
      return this.shardIndex(shard);
    }
    this.shards.set(shard, fresh);
    return fresh;
  }

  /**
   * One shard as on disk: its entries and, when the index has vectors, each chunk's vector. Throws when
   * the shard cannot be read whole (a chunk without its vector counts as damage).
   */
  private async readShard(folder: string): Promise<{ index: LocalIndex; entries: FileEntry[]; vectors?: Map<string, Float32Array> }> {
    // Another writer may replace index.json and delete the vector file it named between our two reads;
    // reading both again then finds the pair it wrote.
    for (let attempt = 0; ; attempt++) {
      const index = new LocalIndex(folder, undefined, this.storage);
      const items = await index.listItems();
      const entries = entriesOf(items);
      if (!this.vectors) return { index, entries };
      const named = items.find((i) => i.id === SHARD_ITEM_ID)?.metadata.vectors;
      const chunkCount = entries.reduce((n, e) => n + e.chunks.length, 0);
      if (named === undefined && chunkCount === 0) return { index, entries, vectors: new Map() };
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
      return { index, entries, vectors };
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
    index = new LocalIndex(folder, undefined, this.storage);
    if (!(await index.isIndexCreated())) {
      await fs.promises.mkdir(folder, { recursive: true });
      await index.createIndex({ version: 1 });
    }
    this.shards.set(shard, index);
    return index;
  }

  /** Reads every shard. A shard that cannot be read is reported and left out; its files are re-indexed by the next run. */
  private async load(): Promise<void> {
    const root = path.join(this.dir, this.meta.shardsDir);
    const names = await fs.promises.readdir(root).catch(() => [] as string[]);
    for (const name of names) {
      const m = /^s([0-9a-f]{3})$/.exec(name);
      if (!m) continue;
      const shard = parseInt(m[1], 16);
      await removeStaleTempFiles(path.join(root, name));
      // A writer killed between creating a shard's folder and its first write leaves an empty folder.
      if ((await stampOf(path.join(root, name, 'index.json'))) === 'missing') continue;
      let read: Awaited<ReturnType<ShardedStore['readShard']>>;
      try {
        read = await this.readShard(path.join(root, name));
      } catch (err) {
        this.loadErrors.push(`shard ${name}: ${errorText(err)}`);
        continue;
      }
      this.stamps.set(shard, await stampOf(path.join(root, name, 'index.json')));
      for (const entry of read.entries) {
        // A file in a shard its path does not hash to was left by a layout this index no longer has.
        if (this.shardOf(entry.record.path) !== shard) continue;
        this.setEntry(entry, read.vectors && entry.chunks.map((c) => read.vectors!.get(c.id)!));
      }
    }
  }

  /** Shards that could not be read at open. */
  readonly loadErrors: string[] = [];

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

function entriesOf(items: IndexItem[]): FileEntry[] {
  const records = new Map<string, FileRecord>();
  const chunks = new Map<string, StoredChunk[]>();
  const paths = new Map<string, string>();
  for (const { id, metadata: m } of items) {
    // JSON.parse gives every item its own copy of the path and language; an index of 100k chunks
    // holds them once each instead (vectra's items are pointed at the shared copy too).
    const p = intern(paths, String(m.path));
    if (m.path !== undefined) m.path = p;
    if (m.type === 'chunk') m.language = intern(LANGUAGE_NAMES, String(m.language));
    if (m.type === 'file') {
      records.set(p, {
        path: p,
        hash: String(m.hash),
        size: Number(m.size),
        mtimeMs: Number(m.mtimeMs),
        indexedAt: Number(m.indexedAt),
        skipped: m.skipped === undefined ? undefined : String(m.skipped),
      });
    } else if (m.type === 'chunk') {
      const list = chunks.get(p) ?? [];
      list.push({
        id,
        path: p,
        startLine: Number(m.startLine),
        endLine: Number(m.endLine),
        language: String(m.language),
        kind: m.kind === 'doc' ? 'doc' : 'code',
        title: String(m.title),
        text: String(m.text),
        hash: String(m.hash),
        ...locatorOf(m),
      });
      chunks.set(p, list);
    }
  }
  // Chunks without a manifest entry cannot come from a completed write; they are ignored.
  return [...records.values()].map((record) => ({
    record,
    chunks: (chunks.get(record.path) ?? []).sort((a, b) => a.startLine - b.startLine),
  }));
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
  return (await readMeta(dir))?.identity;
}

async function readMeta(dir: string): Promise<StoreMeta | undefined> {
  try {
    const meta = JSON.parse(await fs.promises.readFile(path.join(dir, META_FILE), 'utf8')) as StoreMeta;
    return meta && typeof meta === 'object' && meta.identity ? meta : undefined;
  } catch {
    return undefined;
  }
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
    const s = await fs.promises.stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
