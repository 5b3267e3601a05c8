import * as path from 'path';
import { Chunk, ChunkOptions } from '../types';
import { enterHeading, PathHeading, pathTitle } from './headingPath';
import { packByTokens } from './packByTokens';
import { PdfLine, parsePdfPages } from './pdfDocument';

/** A line set this much larger than the body text, and short, reads as a heading. */
const HEADING_SCALE = 1.15;
const HEADING_MAX_CHARS = 120;
const MAX_LEVELS = 6;

interface NumberedLine extends PdfLine {
  page: number;
  /** 1-based line of the extracted text, counted across pages. */
  line: number;
}

/**
 * A PDF's text layer in chunks that never cross a page: split where the layout shows a heading (a
 * short line in a larger font than the body), packed up to the token limit. Each chunk knows its page;
 * its title is the heading path, carried over page breaks.
 */
export function chunkPdf(relPath: string, text: string, opts: ChunkOptions): Chunk[] {
  const lines = numberLines(parsePdfPages(text).map((p) => p.lines.map((l) => ({ ...l, page: p.page }))));
  const levelOf = headingLevels(lines);
  const chunks: Chunk[] = [];
  let headings: PathHeading[] = [];
  let run: NumberedLine[] = [];
  let runTitle = path.posix.basename(relPath);
  const flush = () => {
    for (const piece of packByTokens(run, opts.maxTokens)) chunks.push(pdfChunk(relPath, piece, runTitle));
    run = [];
  };
  for (const line of lines) {
    const level = levelOf(line);
    const pageBreak = run.length > 0 && run[run.length - 1].page !== line.page;
    const headingAfterText = level !== undefined && run.some((l) => levelOf(l) === undefined);
    if (pageBreak || headingAfterText) flush();
    if (level !== undefined) {
      headings = enterHeading(headings, { level, text: line.text });
      // A heading opens the section; one straight after another (`Policy` then `Scope`) joins it.
      runTitle = pathTitle(headings);
    }
    run.push(line);
  }
  flush();
  return chunks;
}

function numberLines(pages: (PdfLine & { page: number })[][]): NumberedLine[] {
  let n = 0;
  return pages.flat().map((l) => ({ ...l, line: ++n }));
}

/** Heading levels by font size: the body is the size most characters are set in; larger sizes rank down from 1. */
function headingLevels(lines: NumberedLine[]): (line: PdfLine) => number | undefined {
  const chars = new Map<number, number>();
  for (const l of lines) chars.set(l.size, (chars.get(l.size) ?? 0) + l.text.length);
  const body = [...chars.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const isHeadingLine = (l: PdfLine) => l.size >= body * HEADING_SCALE && l.text.length <= HEADING_MAX_CHARS;
  const sizes = [...new Set(lines.filter(isHeadingLine).map((l) => l.size))].sort((a, b) => b - a);
  return (l) => (isHeadingLine(l) ? Math.min(MAX_LEVELS, sizes.indexOf(l.size) + 1) : undefined);
}

function pdfChunk(relPath: string, lines: NumberedLine[], title: string): Chunk {
  return {
    path: relPath,
    startLine: lines[0].line,
    endLine: lines[lines.length - 1].line,
    language: 'pdf',
    kind: 'doc',
    title,
    text: lines.map((l) => l.text).join('\n'),
    page: lines[0].page,
  };
}
