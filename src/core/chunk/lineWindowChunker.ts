import * as path from 'path';
import { Chunk, ChunkKind, ChunkOptions } from '../types';

const OVERLAP_LINES = 3;

/**
 * Overlapping windows of whole lines, each under the token limit (about four characters a token).
 * A line longer than a window is cut by characters; each piece reports that line.
 */
export function chunkLineWindows(relPath: string, text: string, language: string, kind: ChunkKind, opts: ChunkOptions, title?: string, firstLine = 1): Chunk[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const maxChars = Math.max(64, opts.maxTokens * 4);
  const name = title ?? path.posix.basename(relPath);
  const chunks: Chunk[] = [];
  const push = (start: number, end: number, body: string, part?: string) => {
    if (!body.trim()) return;
    chunks.push({
      path: relPath,
      startLine: firstLine + start,
      endLine: firstLine + end,
      language,
      kind,
      title: title ? `${name}${part ?? ''}` : `${name} lines ${firstLine + start}–${firstLine + end}`,
      text: body,
    });
  };
  let start = 0;
  let partNo = 0;
  while (start < lines.length) {
    if (lines[start].length > maxChars) {
      const line = lines[start];
      for (let i = 0; i < line.length; i += maxChars) push(start, start, line.slice(i, i + maxChars), title ? ` (part ${++partNo})` : undefined);
      start++;
      continue;
    }
    let end = start;
    let size = lines[start].length + 1;
    while (end + 1 < lines.length && lines[end + 1].length <= maxChars && size + lines[end + 1].length + 1 <= maxChars) {
      end++;
      size += lines[end].length + 1;
    }
    push(start, end, lines.slice(start, end + 1).join('\n'), title ? ` (part ${++partNo})` : undefined);
    if (end + 1 >= lines.length) break;
    // Overlap a few lines so a passage cut at a window edge is whole in one of them.
    start = Math.max(end + 1 - OVERLAP_LINES, start + 1);
  }
  if (title && chunks.length === 1) chunks[0].title = name;
  return chunks;
}
