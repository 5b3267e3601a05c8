import { Chunk } from '../types';
import { sha1 } from './identity';

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

/** What a store knows of a file without reading its chunks: its entry, how many chunks, how much text. */
export interface FileSummary {
  record: FileRecord;
  chunkCount: number;
  /** Characters of chunk text. */
  chars: number;
}

/** A file as a store holds it: its chunks are in memory, or (`undefined`) only on disk. */
export interface HeldFile extends FileSummary {
  chunks: StoredChunk[] | undefined;
}

export function heldFile(entry: FileEntry): HeldFile {
  let chars = 0;
  for (const c of entry.chunks) chars += c.text.length;
  return { record: entry.record, chunks: entry.chunks, chunkCount: entry.chunks.length, chars };
}

/**
 * A chunk's id, unique within its file by construction: the chunk's place in the file's list is part
 * of it, so two parts of one long line (same start line, same text) never share an id.
 */
export function chunkId(relPath: string, ordinal: number, startLine: number, textHash: string): string {
  return sha1(`${relPath}\0${ordinal}\0${startLine}\0${textHash}`).slice(0, 24);
}
