import { Chunk, ChunkOptions } from '../types';
import { documentFormatForPath } from './documentFormats';
import { chunkHtml } from './htmlChunker';
import { CodeChunkFn } from './codeChunkFn';
import { languageForPath } from './languages';
import { chunkLineWindows } from './lineWindowChunker';
import { chunkProse, proseLanguageForPath } from './markdownChunker';
import { chunkNotebook } from './notebookChunker';
import { chunkPdf } from './pdfChunker';

/**
 * Bump when any chunker's output changes: the version is part of the index identity, so an index
 * chunked by an older version is rebuilt instead of holding chunks of two shapes. Also bumped when
 * what may be indexed at all narrows (3: secrets found by content), since an unchanged file is never
 * read again and would keep what an older version indexed.
 */
export const CHUNKER_VERSION = 3;

/**
 * Chooses the chunker for a file: documents by their structure (PDF pages, notebook cells, HTML and
 * Word headings; `text` is what `readDocument` extracted), prose by headings, code by syntax, anything
 * else by line windows.
 */
export async function chunkFile(relPath: string, text: string, opts: ChunkOptions, chunkCode: CodeChunkFn): Promise<Chunk[]> {
  const format = documentFormatForPath(relPath);
  if (format === 'pdf') return chunkPdf(relPath, text, opts);
  if (format === 'notebook') return chunkNotebook(relPath, text, opts, chunkCode);
  if (format === 'html') return chunkHtml(relPath, text, 'html', 'source', opts);
  if (format === 'docx') return chunkHtml(relPath, text, 'docx', 'extracted', opts);
  const prose = proseLanguageForPath(relPath);
  if (prose) return chunkProse(relPath, text, prose, opts);
  const lang = languageForPath(relPath);
  if (lang?.grammar) return chunkCode(relPath, text, lang, opts);
  if (lang) return chunkLineWindows(relPath, text, lang.id, 'code', opts);
  return chunkLineWindows(relPath, text, 'plaintext', 'doc', opts);
}
