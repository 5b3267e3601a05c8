import { EngineOptions, IndexProgress, IndexStatus, IndexSummary } from '../engine';
import { QueryOptions, SearchResult } from '../retrieval/types';

/** What the worker needs to open an engine; functions cannot cross the thread boundary. */
export type WorkerOpenOptions = Omit<EngineOptions, 'embedder' | 'log' | 'codeChunker'> & {
  embedding?: { baseURL?: string; apiKey?: string; model: string; dimensions?: number };
};

/** The engine's calls as messages. Each request has an id; the reply carries it back. */
export type EngineRequest =
  | { op: 'open'; options: WorkerOpenOptions }
  | { op: 'indexAll' }
  | { op: 'cancelIndex' }
  | { op: 'pause' }
  | { op: 'resume' }
  | { op: 'updateFile'; path: string }
  | { op: 'removeFile'; path: string }
  | { op: 'query'; text: string; options: Omit<QueryOptions, 'signal'> }
  | { op: 'status' }
  | { op: 'close' };

export interface EngineResults {
  open: { rebuildReason?: string; chunks: number };
  indexAll: IndexSummary;
  cancelIndex: null;
  pause: null;
  resume: null;
  updateFile: null;
  removeFile: null;
  query: SearchResult[];
  status: IndexStatus;
  close: null;
}

export type WorkerMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string; name?: string }
  | { kind: 'progress'; progress: IndexProgress }
  | { kind: 'log'; message: string };
