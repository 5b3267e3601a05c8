import * as path from 'path';

/**
 * Documents Grounded parses rather than reads as lines: PDF and Word are binary containers,
 * notebooks are JSON with outputs, HTML carries markup and page chrome around its text.
 */
export type DocumentFormat = 'pdf' | 'docx' | 'notebook' | 'html';

const BY_EXTENSION: Record<string, DocumentFormat> = {
  '.pdf': 'pdf',
  '.docx': 'docx',
  '.ipynb': 'notebook',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
};

export function documentFormatForPath(relPath: string): DocumentFormat | undefined {
  const ext = path.posix.extname(relPath).toLowerCase();
  return Object.prototype.hasOwnProperty.call(BY_EXTENSION, ext) ? BY_EXTENSION[ext] : undefined;
}
