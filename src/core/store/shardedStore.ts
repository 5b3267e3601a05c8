import * as fs from 'fs';
import * as path from 'path';
import { IndexItem, LocalIndex, MetadataTypes } from 'vectra';
import { AtomicFileStorage } from './atomicStorage';
import { removeStaleTempFiles, writeFileAtomic } from './atomicWrite';
import { describeIdentity, IndexIdentity, identityKey, sameIdentity, sha1 } from './identity';
import { FileEntry, FileRecord, StoredChunk } from './records';
import { withWriteLock } from './writeLock';

const FORMAT = 1;
const META_FILE = 'grounded.json';
const LOCK_FILE = 'write.lock';
export const DEFAULT_SHARD_COUNT = 256;
const PARALLEL_SHARD_WRITES = 16;

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

  private constructor(
    readonly dir: string,
    private meta: StoreMeta,
  ) {}

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

  /** Replaces what is stored for one file (in memory; `flush` writes it). */
  putFile(record: FileRecord, chunks: StoredChunk[]): void {
    this.files.set(record.path, { record, chunks });
    this.markDirty(record.path);
  }

  removeFile(relPath: string): FileEntry | undefined {
    const entry = this.files.get(relPath);
    if (!entry) return undefined;
    this.files.delete(relPath);
    this.markDirty(relPath);
    return entry;
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
      // Shards are independent files: writing several at once overlaps their fsyncs, which otherwise
      // dominate a full run's final write (256 sequential fsyncs).
      const queue = [...this.dirtyPaths];
      const writer = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [shard, paths] = next;
          try {
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

  private async writeShard(shard: number, paths: Set<string>): Promise<void> {
    const index = await this.adoptExternalChanges(shard, paths);
    const removeIds = new Set<string>();
    for (const item of await index.listItems()) {
      if (paths.has(String(item.metadata.path))) removeIds.add(item.id);
    }
    await index.beginUpdate();
    try {
      await index.deleteItems(removeIds);
      for (const p of paths) {
        const entry = this.files.get(p);
        if (!entry) continue;
        await index.insertItem(fileItem(entry.record));
        for (const chunk of entry.chunks) await index.insertItem(chunkItem(chunk));
      }
      await index.endUpdate();
      this.stamps.set(shard, await stampOf(this.shardFile(shard)));
    } catch (err) {
      index.cancelUpdate();
      throw err;
    }
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
    const fresh = new LocalIndex(this.shardDir(shard), undefined, this.storage);
    let onDisk: FileEntry[] = [];
    if (now !== 'missing') {
      try {
        onDisk = entriesOf(await fresh.listItems());
      } catch {
        return this.shardIndex(shard); // unreadable: this writer's full view replaces it
      }
    }
    const diskPaths = new Set(onDisk.map((e) => e.record.path));
    for (const entry of onDisk) {
      if (dirty.has(entry.record.path)) continue;
      const mine = this.files.get(entry.record.path);
      if (mine && mine.record.hash === entry.record.hash && mine.record.mtimeMs === entry.record.mtimeMs) continue;
      this.files.set(entry.record.path, entry);
      this.onExternalChange?.(mine, entry);
    }
    for (const [p, mine] of [...this.files]) {
      if (dirty.has(p) || diskPaths.has(p) || this.shardOf(p) !== shard) continue;
      this.files.delete(p);
      this.onExternalChange?.(mine, undefined);
    }
    if (now === 'missing') {
      this.shards.delete(shard);
      return this.shardIndex(shard);
    }
    this.shards.set(shard, fresh);
    return fresh;
  }

  private async shardIndex(shard: number): Promise<LocalIndex> {
    let index = this.shards.get(shard);
    if (index) return index;
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
      const index = new LocalIndex(path.join(root, name), undefined, this.storage);
      let items: IndexItem[];
      try {
        items = await index.listItems();
      } catch (err) {
        this.loadErrors.push(`shard ${name}: ${errorText(err)}`);
        continue;
      }
      this.shards.set(shard, index);
      this.stamps.set(shard, await stampOf(path.join(root, name, 'index.json')));
      for (const entry of entriesOf(items)) this.files.set(entry.record.path, entry);
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
    vector: chunk.vector,
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
    },
  };
}

function entriesOf(items: IndexItem[]): FileEntry[] {
  const records = new Map<string, FileRecord>();
  const chunks = new Map<string, StoredChunk[]>();
  for (const { id, vector, metadata: m } of items) {
    const p = String(m.path);
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
        vector,
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
