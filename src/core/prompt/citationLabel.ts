/** What a citation names: a file, its lines, and its page or cell when the file has them. */
export interface Citable {
  path: string;
  startLine: number;
  endLine: number;
  page?: number;
  cell?: number;
}

/** Where in its file a snippet is, as a reader would look for it: `p. 12`, `cell 3`, or `lines 4-9`. */
export function locatorText(s: Citable): string {
  if (s.page !== undefined) return `p. ${s.page}`;
  if (s.cell !== undefined) return `cell ${s.cell}`;
  return `lines ${s.startLine}-${s.endLine}`;
}

/**
 * A source as answers list it: `spec.pdf p. 12`, `analysis.ipynb cell 3`, `src/a.ts:4-9`. The lines of
 * a PDF or notebook count its extracted text, so the page or cell is what the reader can find.
 */
export function citationLabel(s: Citable): string {
  return s.page !== undefined || s.cell !== undefined ? `${s.path} ${locatorText(s)}` : `${s.path}:${s.startLine}-${s.endLine}`;
}
