/**
 * The text layer of a PDF as Grounded keeps it between reading and chunking: per page, its lines and
 * the font size each was set in (headings are told from body text by size). The reader serialises it
 * as JSON so it travels the same text path as every other file (hash, read-ahead, chunker).
 */
export interface PdfLine {
  text: string;
  /** Font size in points, as the page's text matrix scales it. */
  size: number;
}

export interface PdfPage {
  /** 1-based page number. */
  page: number;
  lines: PdfLine[];
}

const MARK = 'grounded-pdf-text';

export function serializePdfPages(pages: PdfPage[]): string {
  return JSON.stringify({ format: MARK, version: 1, pages });
}

/** The pages of a serialised text layer; anything else (a file that only looks like one) gives none. */
export function parsePdfPages(text: string): PdfPage[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const doc = value as { format?: unknown; pages?: unknown };
  if (!doc || doc.format !== MARK || !Array.isArray(doc.pages)) return [];
  return doc.pages.filter(isPage);
}

function isPage(p: unknown): p is PdfPage {
  const page = p as PdfPage;
  return (
    !!page && Number.isInteger(page.page) && page.page > 0 && Array.isArray(page.lines) &&
    page.lines.every((l) => !!l && typeof l.text === 'string' && typeof l.size === 'number' && Number.isFinite(l.size))
  );
}
