import { EmbeddingSettings } from '../embed/embedderRegistry';
import { Engine, EngineOptions, IndexProgress, IndexSize, IndexStatus, IndexSummary } from '../engine';
import { QueryOptions, SearchResult } from '../retrieval/types';

/** What the worker needs to open an engine; functions cannot cross the thread boundary. */
export type WorkerOpenOptions = Omit<EngineOptions, 'embedder' | 'log' | 'codeChunker'> & {
  embedding?: EmbeddingSettings;
};

/**
 * The engine as the index worker serves it: `Engine`'s own methods, except where a function or a
 * signal would have to cross the thread (progress then comes as an event, and a query is not cancelled).
 */
export type EngineApi = Pick<Engine, 'cancelIndex' | 'pause' | 'resume' | 'updateFile' | 'removeFile' | 'close'> & {
  open(options: WorkerOpenOptions): Promise<{ rebuildReason?: string; chunks: number }>;
  indexAll(): Promise<IndexSummary>;
  query(text: string, options?: Omit<QueryOptions, 'signal'>): Promise<SearchResult[]>;
  status(opts?: { diskBytes?: boolean }): Promise<IndexStatus>;
  size(): Promise<IndexSize>;
};

/** What the index worker tells its caller unasked. */
export interface EngineEvents {
  log: string;
  progress: IndexProgress;
}
