import { ChunkKind } from '../types';

export interface QueryOptions {
  topK?: number;
  kinds?: ChunkKind[];
  /** Globs (relative paths) a result's file must match. */
  pathGlobs?: string[];
  /**
   * Most chunks from one file in the results; keeps one file from flooding the list. Set, it is a hard
   * cap; by default (3) a matching section of a small file, or the best chunk overall, is kept past it.
   */
  perFile?: number;
  /**
   * Current text of files whose editors hold unsaved changes (or that changed since they were indexed).
   * They are searched as they are now, and their indexed chunks are left out.
   */
  liveFiles?: { path: string; text: string }[];
  signal?: AbortSignal;
  /** Search terms a model wrote for the question (see `rewriteQuery`): they add candidates, never remove any. */
  rewrite?: string;
  /**
   * Return every chunk that passes the filters: matches first, best first, then the rest in path
   * order. For a workspace small enough to send to a model whole.
   */
  includeAll?: boolean;
}

export interface SearchResult {
  path: string;
  startLine: number;
  endLine: number;
  title: string;
  kind: ChunkKind;
  language: string;
  /** Only comparable with other scores of the same query on the same index: its scale depends on the mode (BM25, or fused ranks). */
  score: number;
  /**
   * The score divided by the best score of this query (`withRelevance`), in [0, 1]: the best result
   * has 1. This is the value to compare across a boundary (a threshold, several folders' indexes,
   * lexical and hybrid modes); `score` is not.
   */
  relevance: number;
  text: string;
  /** The 1-based PDF page or notebook cell the text is from, when the file has pages or cells. */
  page?: number;
  cell?: number;
  /** Quoted from an editor's unsaved text (`QueryOptions.liveFiles`), not from the file on disk. */
  unsaved?: boolean;
  /** The field or rule that contributed most to its rank (`defines send`, `test file ×0.5`). */
  why?: string;
}
