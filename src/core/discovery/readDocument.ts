import * as path from 'path';
import { documentFormatForPath } from '../chunk/documentFormats';
import { GroundedConfig } from '../config';
import { docxToHtml } from './docxText';
import { extractPdfText } from './pdfText';
import { decodeText, readFileBytes, readTextFile, TextRead } from './readText';
import { secretInText } from './secretContent';

/**
 * Any file's text as its chunker takes it: for PDF the extracted text layer, for Word the HTML of its
 * headings and paragraphs, for notebooks and HTML the file itself (long lines allowed: they are parsed,
 * not shown); for everything else `readTextFile`. Documents have their own size limit, `maxDocumentBytes`.
 */
export async function readDocument(absPath: string, config: GroundedConfig): Promise<TextRead> {
  const format = documentFormatForPath(path.basename(absPath));
  if (!format) return readTextFile(absPath, config.maxFileBytes);
  const read = await readFileBytes(absPath, config.maxDocumentBytes);
  if (!read.ok) return read;
  const meta = { size: read.size, mtimeMs: read.mtimeMs };
  try {
    if (format === 'pdf') return { ...withoutSecrets(await extractPdfText(read.bytes)), ...meta };
    if (format === 'docx') return { ...withoutSecrets(await docxToHtml(read.bytes)), ...meta };
  } catch (err) {
    // Reads run ahead of indexing: a read that threw would be a rejection nobody awaits yet.
    return { ok: false, reason: `cannot extract the text (${(err as Error)?.message ?? String(err)})`, ...meta };
  }
  return { ...decodeText(read.bytes, true), ...meta };
}

/** A key pasted into a PDF or a Word document is as secret as one in a text file. */
function withoutSecrets(read: TextRead): TextRead {
  const secret = read.ok ? secretInText(read.text) : undefined;
  return secret ? { ok: false, reason: secret } : read;
}
