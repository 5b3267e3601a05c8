import * as path from 'path';
import { approxTokens, Chunk, ChunkOptions } from '../types';
import { enterHeading, PathHeading } from './headingPath';

/** Prose formats and the language id each chunk carries. */
const PROSE_LANGUAGES: Record<string, string> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdx': 'mdx',
  '.rst': 'restructuredtext',
  '.txt': 'plaintext',
  '.adoc': 'asciidoc',
};

export function proseLanguageForPath(relPath: string): string | undefined {
  const ext = path.extname(relPath).toLowerCase();
  if (PROSE_LANGUAGES[ext]) return PROSE_LANGUAGES[ext];
  const base = path.basename(relPath).toUpperCase();
  return ['README', 'LICENSE', 'CHANGELOG', 'CONTRIBUTING', 'AUTHORS', 'NOTICE'].includes(base) ? 'plaintext' : undefined;
}

interface Section {
  /** Index of the first line (0-based) and one past the last. */
  start: number;
  end: number;
  titlePath: string[];
}

interface Heading {
  line: number;
  level: number;
  text: string;
  /** How many lines the heading takes (2 for an underlined heading). */
  span: number;
}

/**
 * Splits prose by headings; each chunk's title is its heading path (`Guide > Install > Windows`).
 * Long sections split on paragraph boundaries; fenced code blocks stay whole where they fit.
 */
export function chunkProse(relPath: string, text: string, language: string, opts: ChunkOptions, outer: OuterHeading[] = []): Chunk[] {
  const lines = splitProseLines(text);
  const fenced = fencedLines(lines, language);
  const sections = sectionsOf(lines, headingsOf(lines, fenced, language), path.posix.basename(relPath), outer);
  const chunks: Chunk[] = [];
  for (const section of sections) {
    for (const [start, end] of packBlocks(lines, fenced, section, opts.maxTokens)) {
      const body = lines.slice(start, end).join('\n');
      if (body.trim() === '') continue;
      chunks.push({
        path: relPath,
        startLine: start + 1,
        endLine: end,
        language,
        kind: 'doc',
        title: section.titlePath.join(' > '),
        text: body,
      });
    }
  }
  return chunks;
}

/** A heading around a piece of prose that is not in its text: the notebook cells above a Markdown cell. */
export type OuterHeading = PathHeading;

/**
 * The heading path after a piece of prose: `outer` with the text's own headings applied, for the prose
 * that follows it (the next notebook cell).
 */
export function headingPathAfter(text: string, language: string, outer: OuterHeading[]): OuterHeading[] {
  const lines = splitProseLines(text);
  let path = [...outer];
  for (const h of headingsOf(lines, fencedLines(lines, language), language)) path = enterHeading(path, { level: h.level, text: h.text });
  return path;
}

function splitProseLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function headingsOf(lines: string[], fenced: boolean[], language: string): Heading[] {
  if (language === 'restructuredtext') return rstHeadings(lines);
  if (language === 'asciidoc') return asciidocHeadings(lines, fenced);
  return markdownHeadings(lines, fenced, language);
}

/**
 * For each line, whether it lies inside (or opens/closes) a fenced code block: Markdown's backtick and
 * tilde fences, and AsciiDoc's delimited blocks (`----` listing, `....` literal, `++++` passthrough, `////` comment).
 */
const ASCIIDOC_DELIMITER = /^(`{3,}|-{4,}|\.{4,}|\+{4,}|\/{4,})[ \t]*$/;

function fencedLines(lines: string[], language: string): boolean[] {
  const inFence: boolean[] = new Array(lines.length).fill(false);
  const asciidoc = language === 'asciidoc';
  const opening = asciidoc ? ASCIIDOC_DELIMITER : /^ {0,3}(`{3,}|~{3,})/;
  const closing = asciidoc ? ASCIIDOC_DELIMITER : /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
  let open: { ch: string; len: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = opening.exec(lines[i]);
    if (open) {
      inFence[i] = true;
      const close = closing.exec(lines[i]);
      if (close && close[1][0] === open.ch && close[1].length >= open.len) open = undefined;
    } else if (m) {
      open = { ch: m[1][0], len: m[1].length };
      inFence[i] = true;
    }
  }
  return inFence;
}

function markdownHeadings(lines: string[], fenced: boolean[], language: string): Heading[] {
  const headings: Heading[] = [];
  let i = frontMatterEnd(lines, language);
  for (; i < lines.length; i++) {
    if (fenced[i]) continue;
    const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(lines[i]);
    if (atx) {
      headings.push({ line: i, level: atx[1].length, text: cleanHeading(atx[2] ?? ''), span: 1 });
      continue;
    }
    const next = lines[i + 1];
    if (next !== undefined && !fenced[i + 1] && lines[i].trim() !== '' && !/^ {0,3}[-*+>|]/.test(lines[i])) {
      const prevBlank = i === 0 || lines[i - 1].trim() === '';
      if (prevBlank && /^ {0,3}=+[ \t]*$/.test(next)) {
        headings.push({ line: i, level: 1, text: cleanHeading(lines[i]), span: 2 });
        i++;
      } else if (prevBlank && /^ {0,3}-{2,}[ \t]*$/.test(next)) {
        headings.push({ line: i, level: 2, text: cleanHeading(lines[i]), span: 2 });
        i++;
      }
    }
  }
  return headings;
}

/** YAML front matter is not a heading; a `---` at its end must not turn a line into one. */
function frontMatterEnd(lines: string[], language: string): number {
  if (language === 'plaintext' || lines[0]?.trim() !== '---') return 0;
  for (let i = 1; i < lines.length; i++) if (/^(---|\.\.\.)\s*$/.test(lines[i])) return i + 1;
  return 0;
}

/** reStructuredText: a title underlined (optionally overlined) with punctuation; levels in order of first use. */
function rstHeadings(lines: string[]): Heading[] {
  const headings: Heading[] = [];
  const levels: string[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const title = lines[i];
    const under = lines[i + 1];
    const m = /^([=\-~^"'`*+#:.])\1{2,}\s*$/.exec(under);
    if (!m || title.trim() === '' || /^([=\-~^"'`*+#:.])\1{2,}\s*$/.test(title) || under.trim().length < title.trim().length) continue;
    const overlined = i > 0 && lines[i - 1].trim() === under.trim();
    const key = (overlined ? 'o' : 'u') + m[1];
    if (!levels.includes(key)) levels.push(key);
    headings.push({ line: overlined ? i - 1 : i, level: levels.indexOf(key) + 1, text: title.trim(), span: overlined ? 3 : 2 });
    i++;
  }
  return headings;
}

/**
 * AsciiDoc section titles: `= Document`, `== Section`, … (level by the count of `=`), and the Markdown-style
 * `#` titles Asciidoctor also accepts. A line of `=` alone is a block delimiter, not a title.
 */
function asciidocHeadings(lines: string[], fenced: boolean[]): Heading[] {
  const headings: Heading[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (fenced[i]) continue;
    const m = /^(={1,6}|#{1,6})[ \t]+(\S.*?)[ \t]*$/.exec(lines[i]);
    if (m) headings.push({ line: i, level: m[1].length, text: cleanHeading(m[2]), span: 1 });
  }
  return headings;
}

function cleanHeading(text: string): string {
  return text.replace(/[*_`]/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim() || '(untitled)';
}

/**
 * Sections between headings, each titled by its heading path. A heading with no text of its own
 * (`# Guide` straight before `## Install`) joins the next section rather than becoming a chunk alone.
 */
function sectionsOf(lines: string[], headings: Heading[], fileName: string, outer: OuterHeading[]): Section[] {
  const sections: Section[] = [];
  const stack: OuterHeading[] = [...outer];
  const firstHeading = headings.length ? headings[0].line : lines.length;
  if (firstHeading > 0) sections.push({ start: 0, end: firstHeading, titlePath: outer.length ? outer.map((h) => h.text) : [fileName] });
  let pendingStart: number | undefined;
  for (let h = 0; h < headings.length; h++) {
    const heading = headings[h];
    while (stack.length && stack[stack.length - 1].level >= heading.level) stack.pop();
    stack.push({ level: heading.level, text: heading.text });
    const end = h + 1 < headings.length ? headings[h + 1].line : lines.length;
    const ownText = lines.slice(heading.line + heading.span, end).some((l) => l.trim() !== '');
    const start = pendingStart ?? heading.line;
    if (!ownText && h + 1 < headings.length && headings[h + 1].level > heading.level) {
      pendingStart = start;
      continue;
    }
    pendingStart = undefined;
    sections.push({ start, end, titlePath: stack.map((s) => s.text) });
  }
  return sections;
}

/** Line ranges [start, end) inside a section, each under the token limit where blocks allow. */
function packBlocks(lines: string[], fenced: boolean[], section: Section, maxTokens: number): [number, number][] {
  const tokensOf = (a: number, b: number) => approxTokens(lines.slice(a, b).join('\n'));
  if (tokensOf(section.start, section.end) <= maxTokens) return [[section.start, trimEnd(lines, section.start, section.end)]];
  const ranges: [number, number][] = [];
  let chunkStart = section.start;
  let chunkEnd = section.start;
  for (const [a, b] of blocksOf(lines, fenced, section.start, section.end)) {
    if (chunkEnd > chunkStart && tokensOf(chunkStart, b) > maxTokens) {
      ranges.push([chunkStart, trimEnd(lines, chunkStart, chunkEnd)]);
      chunkStart = a;
    }
    chunkEnd = b;
    if (tokensOf(chunkStart, chunkEnd) > maxTokens) {
      // One block alone is too large (a huge paragraph or code block): cut it by lines.
      for (const r of splitByLines(lines, chunkStart, chunkEnd, maxTokens)) ranges.push(r);
      chunkStart = chunkEnd;
    }
  }
  if (chunkEnd > chunkStart) ranges.push([chunkStart, trimEnd(lines, chunkStart, chunkEnd)]);
  return ranges.filter(([a, b]) => b > a);
}

/** Paragraphs and fenced blocks, as [start, end) ranges; blank lines belong to the block before them. */
function blocksOf(lines: string[], fenced: boolean[], start: number, end: number): [number, number][] {
  const blocks: [number, number][] = [];
  let blockStart = start;
  for (let i = start; i < end; i++) {
    const blank = !fenced[i] && lines[i].trim() === '';
    const nextStartsBlock = i + 1 < end && !fenced[i] && lines[i + 1].trim() !== '' && (blank || (fenced[i + 1] && !fenced[i]));
    if (nextStartsBlock) {
      blocks.push([blockStart, i + 1]);
      blockStart = i + 1;
    }
  }
  if (blockStart < end) blocks.push([blockStart, end]);
  return blocks;
}

function splitByLines(lines: string[], start: number, end: number, maxTokens: number): [number, number][] {
  const ranges: [number, number][] = [];
  let a = start;
  let size = 0;
  for (let i = start; i < end; i++) {
    const t = approxTokens(lines[i] + '\n');
    if (i > a && size + t > maxTokens) {
      ranges.push([a, i]);
      a = i;
      size = 0;
    }
    size += t;
  }
  if (a < end) ranges.push([a, end]);
  return ranges;
}

function trimEnd(lines: string[], start: number, end: number): number {
  while (end > start + 1 && lines[end - 1].trim() === '') end--;
  return end;
}
