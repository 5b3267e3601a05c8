import { Chunk, ChunkOptions } from '../types';
import { LanguageInfo, languageForPath } from './languages';
import { chunkLineWindows } from './lineWindowChunker';
import { chunkProse, proseLanguageForPath } from './markdownChunker';

/**
 * Bump when any chunker's output changes: the version is part of the index identity, so an index
 * chunked by an older version is rebuilt instead of holding chunks of two shapes. Also bumped when
 * what may be indexed at all narrows (3: secrets found by content), since an unchanged file is never
 * read again and would keep what an older version indexed.
 */
export const CHUNKER_VERSION = 3;

export type CodeChunkFn = (path: string, text: string, lang: LanguageInfo, opts: ChunkOptions) => Promise<Chunk[]>;

/** Chooses the chunker for a file: prose by headings, code by syntax, anything else by line windows. */
export async function chunkFile(relPath: string, text: string, opts: ChunkOptions, chunkCode: CodeChunkFn): Promise<Chunk[]> {
  const prose = proseLanguageForPath(relPath);
  if (prose) return chunkProse(relPath, text, prose, opts);
  const lang = languageForPath(relPath);
  if (lang?.grammar) return chunkCode(relPath, text, lang, opts);
  if (lang) return chunkLineWindows(relPath, text, lang.id, 'code', opts);
  return chunkLineWindows(relPath, text, 'plaintext', 'doc', opts);
}
