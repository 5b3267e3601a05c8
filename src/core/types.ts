/** What a chunk holds: prose from a document, or a piece of source code. */
export type ChunkKind = 'doc' | 'code';

/** A piece of a file, the unit that is indexed and retrieved. Lines are 1-based and inclusive. */
export interface Chunk {
  /** Path relative to the workspace folder, with `/` separators. */
  path: string;
  startLine: number;
  endLine: number;
  /** A language id such as `typescript`, `python`, `markdown`, `plaintext`. */
  language: string;
  kind: ChunkKind;
  /** Heading path (`Guide > Install`) or symbol path (`class Foo > method bar`). */
  title: string;
  text: string;
  /**
   * Where the chunk is in a document whose lines are not the reader's: the 1-based page of a PDF, the
   * 1-based cell of a notebook. Lines then count lines of the extracted text, page after page or cell
   * after cell, so they still order and separate a file's chunks.
   */
  page?: number;
  cell?: number;
}

/** Limits every chunker honours. */
export interface ChunkOptions {
  /** Largest chunk, in approximate tokens (see `approxTokens`). */
  maxTokens: number;
}

/** A cheap token estimate (about four characters a token for English and code) used where no tokenizer is loaded. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
