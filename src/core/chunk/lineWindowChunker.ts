import * as path from 'path';
import { Chunk, ChunkKind, ChunkOptions } from '../types';

/** Lines repeated at the start of the next window, so a passage cut at a window edge is whole in one of them. */
const OVERLAP_LINES = 3;

/** A window over an array of lines: first and last index (0-based, inclusive) and its text. */
export interface LineWindow {
  start: number;
  end: number;
  text: string;
}

/** The lines of a text; the empty string after a final newline is not a line. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The most characters a chunk may hold: `approxTokens` counts four characters a token. */
export function maxCharsFor(opts: ChunkOptions): number {
  return Math.max(64, Math.floor(opts.maxTokens * 4));
}

/**
 * Overlapping windows of whole lines, each at most `maxChars` long. A line longer than that is cut
 * into pieces by characters, each piece a window of that one line. Windows that hold only
 * whitespace are left out.
 */
export function lineWindows(lines: readonly string[], maxChars: number): LineWindow[] {
  const windows: LineWindow[] = [];
  const push = (start: number, end: number, text: string) => {
    if (text.trim()) windows.push({ start, end, text });
  };
  let start = 0;
  while (start < lines.length) {
    if (lines[start].length > maxChars) {
      for (const piece of cutLine(lines[start], maxChars)) push(start, start, piece);
      start++;
      continue;
    }
    let end = start;
    let size = lines[start].length;
    while (end + 1 < lines.length && size + 1 + lines[end + 1].length <= maxChars) {
      end++;
      size += 1 + lines[end].length;
    }
    push(start, end, lines.slice(start, end + 1).join('\n'));
    if (end + 1 >= lines.length) break;
    // A short window overlaps less, so windows always move forward by most of their length.
    const overlap = Math.min(OVERLAP_LINES, Math.floor((end - start + 1) / 4));
    start = end + 1 - overlap;
  }
  return windows;
}

/** Pieces of a long line, never splitting a surrogate pair (an emoji, say) between two pieces. */
function cutLine(line: string, maxChars: number): string[] {
  const pieces: string[] = [];
  let i = 0;
  while (i < line.length) {
    let next = Math.min(line.length, i + maxChars);
    if (next < line.length && isHighSurrogate(line.charCodeAt(next - 1)) && next - 1 > i) next--;
    pieces.push(line.slice(i, next));
    i = next;
  }
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Chunks a file that has no syntax Grounded understands into overlapping line windows under the
 * token limit, titled by the file name and the lines they hold.
 */
export function chunkLineWindows(relPath: string, text: string, language: string, kind: ChunkKind, opts: ChunkOptions): Chunk[] {
  const name = path.posix.basename(relPath);
  return lineWindows(splitLines(text), maxCharsFor(opts)).map((w) => ({
    path: relPath,
    startLine: w.start + 1,
    endLine: w.end + 1,
    language,
    kind,
    title: `${name} lines ${w.start + 1}–${w.end + 1}`,
    text: w.text,
  }));
}
