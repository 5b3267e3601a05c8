import * as path from 'path';
import { Chunk, ChunkOptions } from '../types';
import { enterHeading, PathHeading, pathTitle } from './headingPath';
import { packByTokens } from './packByTokens';
import { HtmlBlock, htmlBlocks } from './htmlBlocks';
import { maxCharsFor } from './lineWindowChunker';

interface PlacedBlock extends HtmlBlock {
  startLine: number;
  endLine: number;
}

/**
 * Where a block's lines are. `source`: lines of the HTML file, so a citation opens at the passage.
 * `extracted`: lines of the extracted text, block after block, for HTML that is not the file (Word's).
 */
export type HtmlLines = 'source' | 'extracted';

/**
 * An HTML page's main text in chunks split at its headings (`<h1>`…`<h6>`, titled by the heading path)
 * and packed up to the token limit; navigation, scripts and styles are not in it (see `htmlBlocks`).
 */
export function chunkHtml(relPath: string, html: string, language: string, lines: HtmlLines, opts: ChunkOptions): Chunk[] {
  const blocks = placeBlocks(html, splitLongBlocks(htmlBlocks(html), maxCharsFor(opts)), lines);
  const chunks: Chunk[] = [];
  let headings: PathHeading[] = [];
  let run: PlacedBlock[] = [];
  let title = path.posix.basename(relPath);
  const flush = () => {
    for (const piece of packByTokens(run, opts.maxTokens)) chunks.push(htmlChunk(relPath, language, piece, title));
    run = [];
  };
  for (const block of blocks) {
    if (block.heading) {
      if (run.some((b) => !b.heading)) flush();
      headings = enterHeading(headings, { level: block.heading, text: block.text.replace(/\s+/g, ' ') });
      title = pathTitle(headings);
    }
    run.push(block);
  }
  flush();
  return chunks;
}

/** A block longer than a chunk (one huge paragraph) becomes several, cut at spaces. */
function splitLongBlocks(blocks: HtmlBlock[], maxChars: number): HtmlBlock[] {
  return blocks.flatMap((b) => {
    if (b.text.length <= maxChars) return [b];
    const parts: HtmlBlock[] = [];
    let rest = b.text;
    while (rest.length > maxChars) {
      const cut = rest.lastIndexOf(' ', maxChars) > maxChars / 2 ? rest.lastIndexOf(' ', maxChars) : maxChars;
      parts.push({ ...b, text: rest.slice(0, cut).trim() });
      rest = rest.slice(cut).trim();
    }
    if (rest) parts.push({ ...b, text: rest });
    return parts;
  });
}

function placeBlocks(html: string, blocks: HtmlBlock[], lines: HtmlLines): PlacedBlock[] {
  if (lines === 'source') {
    const lineOf = lineIndex(html);
    return blocks.map((b) => ({ ...b, startLine: lineOf(b.start), endLine: lineOf(b.end) }));
  }
  let next = 1;
  return blocks.map((b) => {
    const startLine = next;
    next += b.text.split('\n').length;
    return { ...b, startLine, endLine: next - 1 };
  });
}

/** The 1-based line of a source offset. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function htmlChunk(relPath: string, language: string, blocks: PlacedBlock[], title: string): Chunk {
  return {
    path: relPath,
    startLine: blocks[0].startLine,
    endLine: Math.max(...blocks.map((b) => b.endLine)),
    language,
    kind: 'doc',
    title,
    text: blocks.map((b) => b.text).join('\n'),
  };
}
