import { IndexIdentity } from './identity';
import { FileEntry, FileRecord, FileSummary, HeldFile, StoredChunk } from './records';
import { VectorHit } from './vectorTable';

/** The dense side of a store: one vector per chunk id, searched by similarity. */
export interface DenseVectors {
  readonly size: number;
  search(query: ArrayLike<number>, k: number, accept?: (id: string) => boolean): VectorHit[];
}

/**
 * What the indexer writes and the searcher reads: each file's manifest entry and chunks, their
 * vectors, and the index's identity. Writes are held in memory until `flush`, which makes them
 * durable atomically (a kill leaves the previous state). `ShardedStore` is the implementation today;
 * any other (SQLite, a server) must pass `test/unit/storeContract.ts`.
 */
export interface IndexStore {
  readonly dir: string;
  readonly identity: IndexIdentity;
  /** Opened to read only: writes throw, nothing on disk is created, repaired or deleted. */
  readonly readOnly: boolean;
  readonly updatedAt: string;
  /** Parts the index is split into (one save rewrites one); 1 for a store that is not split. */
  readonly shardCount: number;
  readonly fileCount: number;
  /** Problems found while opening, one line each. */
  readonly loadErrors: readonly string[];
  /** Problems to show in status now. */
  readonly problems: string[];
  /** Parts found damaged: their files are missing until re-indexed. */
  readonly damagedShards: string[];
  readonly vectors?: DenseVectors;
  /** Called when another writer's version of a file replaces the one this process held. */
  onExternalChange?: (before: HeldFile | undefined, after: FileEntry | undefined) => void;
  /** Where a snapshot of the lexical index over this store's content is kept (inside the index folder), if anywhere. */
  readonly lexicalSnapshotFile?: string;
  /** The layout shard numbers and stamps belong to: a snapshot taken under another one does not match. */
  readonly layout?: string;
  /** The part (shard) a path's entry is stored in. */
  shardOf?(relPath: string): number;
  /** A stamp for each part whose content on disk is exactly what the store holds (nothing pending, not damaged). */
  shardStamps?(): ReadonlyMap<number, string>;
  /** A file's entry and chunks (a store may read them from disk first). */
  getFile(relPath: string): FileEntry | undefined;
  /** A file's entry without its chunks: cheap. */
  getRecord(relPath: string): FileRecord | undefined;
  /** Every file with its chunks (may read the whole index: for views that need them all). */
  allFiles(): IterableIterator<FileEntry>;
  /** Every file's entry, chunk count and text size, without reading chunks: what a run plans from. */
  fileSummaries(): IterableIterator<FileSummary>;
  isInDamagedShard(relPath: string): boolean;
  /** `vectors[i]` is `chunks[i]`'s; without them, chunks keep the vectors they had. */
  putFile(record: FileRecord, chunks: StoredChunk[], vectors?: readonly ArrayLike<number>[]): void;
  /** Returns what was held; its chunks when they could still be read. */
  removeFile(relPath: string): HeldFile | undefined;
  /** A hint before a full run: how many files the index will hold. */
  sizeFor(fileCount: number): Promise<void>;
  flush(): Promise<void>;
  /** Lets go of caches a full run built up. */
  releaseShardCache(): void;
  /** Makes opening cheaper next time (a list of files beside the shards), when the store has such a thing. */
  saveManifest?(): Promise<void>;
  /** Bytes the index takes on disk (may read the disk: not for every question). */
  diskBytes(): Promise<number>;
}

export interface OpenedIndexStore {
  store: IndexStore;
  /** Why the index on disk was discarded, when it was (or, read-only, would be). */
  rebuildReason?: string;
}

/** Opens (or creates) a store in `dir`; one built for another identity is discarded, never mixed. */
export type OpenIndexStore = (dir: string, identity: IndexIdentity, opts: { shardCount?: number; readOnly?: boolean }) => Promise<OpenedIndexStore>;
