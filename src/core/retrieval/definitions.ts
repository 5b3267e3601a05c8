import { Chunk } from '../types';

export interface Definition {
  chunk: Chunk;
  /** How the symbol was found, best first: see `RANKS`. */
  match: 'exact' | 'container' | 'ignoring case' | 'declared inside' | 'heading';
}

const RANKS: Record<Definition['match'], number> = { exact: 0, container: 1, 'ignoring case': 2, 'declared inside': 3, heading: 4 };

/**
 * A line that declares `name` rather than uses it: a keyword before it (`def`, `function`, `class`,
 * `fn`, `val`…), or a method header ending in `{` or `:` (`  expire(ms: number): number {`). Calls end in `;` or nothing.
 */
function declarationLine(name: string): RegExp {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const keyword = '(?:function\\*?|def|class|interface|type|struct|enum|trait|fn|func|fun|sub|module|object|record|protocol|const|let|var|val|macro)';
  return new RegExp(`^\\s*(?:(?:export|public|private|protected|internal|static|async|abstract|final|override|virtual|readonly|pub|default|open|sealed|data)\\s+)*(?:${keyword}\\s+(?:\\([^)]*\\)\\s*)?${n}\\b|${n}\\s*(?:<[^>]*>)?\\([^;]*\\)[^;]*[{:]\\s*$)`, 'm');
}

/**
 * Where a symbol is defined, from chunk titles alone: the code chunker titles a chunk by the symbols it
 * holds (`class Foo > method bar`, merged ones `function a, function b`), Markdown by its heading path.
 * Code definitions whose name is the symbol come first, then chunks inside a container of that name,
 * then the same ignoring case, then code chunks with a line that declares it (a method of a class small
 * enough to be one chunk), then document headings that are the symbol.
 */
export function findDefinitions(chunks: Iterable<Chunk>, symbol: string, limit = 10): Definition[] {
  const wanted = symbol.trim();
  if (!wanted) return [];
  const found: Definition[] = [];
  const containersSeen = new Set<string>();
  const declares = declarationLine(wanted);
  for (const chunk of chunks) {
    const match = chunk.kind === 'code' ? codeMatch(chunk.title, wanted) ?? (declares.test(chunk.text) ? 'declared inside' : undefined) : headingMatch(chunk.title, wanted);
    if (!match) continue;
    // A class split into many chunks is one definition: its first chunk in the file stands for it.
    if (match === 'container') {
      const key = chunk.path + '\0' + containerKey(chunk.title, wanted);
      if (containersSeen.has(key)) continue;
      containersSeen.add(key);
    }
    found.push({ chunk, match });
  }
  found.sort((a, b) => RANKS[a.match] - RANKS[b.match] || compareText(a.chunk.path, b.chunk.path) || a.chunk.startLine - b.chunk.startLine);
  return dropLaterContainerChunks(found).slice(0, limit);
}

function codeMatch(title: string, wanted: string): Definition['match'] | undefined {
  const segments = title.replace(/ \(part \d+\)$/, '').split(' > ');
  const defined = namesIn(segments[segments.length - 1]);
  if (defined.includes(wanted)) return 'exact';
  if (segments.slice(0, -1).some((s) => namesIn(s).includes(wanted))) return 'container';
  const lower = wanted.toLowerCase();
  if (segments.some((s) => namesIn(s).some((n) => n.toLowerCase() === lower))) return 'ignoring case';
  return undefined;
}

function headingMatch(title: string, wanted: string): Definition['match'] | undefined {
  const last = title.split(' > ').pop() ?? '';
  return last.trim().toLowerCase() === wanted.toLowerCase() ? 'heading' : undefined;
}

/** The names a title segment defines: `interface ParsedArgs, class UsageError` gives ParsedArgs and UsageError. */
function namesIn(segment: string): string[] {
  return segment
    .split(', ')
    .map((entry) => entry.trim().split(/\s+/).pop() ?? '')
    .filter((n) => n && n !== '…');
}

function containerKey(title: string, wanted: string): string {
  const segments = title.split(' > ');
  const at = segments.findIndex((s) => namesIn(s).includes(wanted));
  return segments.slice(0, at + 1).join(' > ');
}

/** A container also found by an exact chunk of its own (its header chunk) is listed once. */
function dropLaterContainerChunks(found: Definition[]): Definition[] {
  const exactPaths = new Set(found.filter((d) => d.match === 'exact').map((d) => d.chunk.path));
  return found.filter((d) => d.match !== 'container' || !exactPaths.has(d.chunk.path));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
