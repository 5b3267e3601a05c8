import { CodeChunkFn } from '../chunk/codeChunkFn';
import { GroundedConfig } from '../config';
import { PathFilter } from '../discovery/pathFilter';
import { VectorSource } from '../embed/chunkVectors';
import { Catalog } from '../lexical/catalog';
import { IndexStore } from '../store/indexStore';

/** What indexing a folder works with: the folder and its rules, where chunks go, and how they are made. */
export interface IndexContext {
  folder: string;
  config: GroundedConfig;
  filter: PathFilter;
  store: IndexStore;
  /** The lexical catalog, opened (from the snapshot and the store) on first call. */
  catalog: () => Catalog;
  /** The catalog if it is open: one not open yet is built from the store when it is, so writes need not tell it. */
  openedCatalog: () => Catalog | undefined;
  chunkCode: CodeChunkFn;
  vectors?: VectorSource;
  log: (message: string) => void;
  /** Makes what was indexed durable: the store's pending writes and the new cached vectors. */
  flush: () => Promise<void>;
}
