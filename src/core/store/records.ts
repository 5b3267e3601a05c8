import { Chunk } from '../types';

/** A chunk as stored: its place in the file, its text, and the hash the embedding cache is keyed by. */
export interface StoredChunk extends Chunk {
  id: string;
  /** sha1 of the text: equal texts share a vector whatever file they are in. */
  hash: string;
}

/** The manifest entry of one file: what was indexed, from which content, and why it may have been skipped. */
export interface FileRecord {
  path: string;
  /** sha1 of the file's bytes as indexed. */
  hash: string;
  size: number;
  mtimeMs: number;
  /** Set when the file was looked at but not indexed (binary, minified, …). */
  skipped?: string;
  /** When it was indexed, ms since the epoch. */
  indexedAt: number;
}

export interface FileEntry {
  record: FileRecord;
  chunks: StoredChunk[];
}
