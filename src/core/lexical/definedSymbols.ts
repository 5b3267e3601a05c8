import { Chunk } from '../types';

/**
 * The names a chunk defines, read from its title: the code chunker titles a chunk by the symbols it
 * holds inside their containers (`class Session > method send, method close`), the Markdown chunker by
 * its heading path, whose last heading is the term that section defines. Each name comes bare (`send`)
 * and, under a container, qualified (`session.send`), lowercased. A heading's term is marked apart
 * (`§store`): prose naming a term may find its section, but never a function that shares the word.
 */
/** Marks a heading's term in the symbol table. */
export const HEADING_MARK = '§';

export function definedSymbols(chunk: Pick<Chunk, 'title' | 'kind' | 'text'>): string[] {
  const parts = chunk.title.replace(/\s*\(part \d+\)$/, '').split(' > ');
  const last = parts.pop() ?? '';
  if (chunk.kind === 'doc') {
    const term = normalizeTerm(last);
    return term ? [HEADING_MARK + term] : [];
  }
  const containers = parts.map(symbolName).filter((n): n is string => !!n);
  const out = new Set<string>();
  for (const entry of last.split(', ')) {
    const name = symbolName(entry);
    if (!name) continue;
    out.add(name);
    if (containers.length) out.add([...containers, name].join('.'));
    if (containers.length > 1) out.add(`${containers[containers.length - 1]}.${name}`);
  }
  addInnerDefinitions(chunk.text, last, out);
  return [...out];
}

/** Keywords that open a definition in the languages the chunker knows (the name follows). */
const DEFINITION = /^[ \t]*(?:export\s+|pub(?:\([^)]*\))?\s+|public\s+|private\s+|protected\s+|static\s+|async\s+|abstract\s+)*(?:def|class|function|func|fn|interface|struct|enum|trait|module|object)\s+([\p{L}_$][\p{L}\p{N}_$]*)/gmu;

/**
 * A class small enough to be one chunk is titled by the class alone: the methods it holds are read
 * from its text, bare and under the class's name, so a question naming one still finds it.
 */
function addInnerDefinitions(text: string, titleLast: string, out: Set<string>): void {
  const single = titleLast.split(', ');
  const owner = single.length === 1 ? symbolName(single[0]) : undefined;
  for (const m of text.matchAll(DEFINITION)) {
    const name = m[1].toLowerCase();
    if (out.has(name)) continue;
    out.add(name);
    if (owner && owner !== name) out.add(`${owner}.${name}`);
  }
}

/** `method resolve_redirects` → `resolve_redirects`; the generic `imports`, `top level`, `members`, `…` name nothing. */
function symbolName(entry: string): string | undefined {
  const words = entry.trim().split(/\s+/);
  if (words.length < 2) return undefined;
  const name = words[words.length - 1].toLowerCase();
  return /^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(name) ? name : undefined;
}

/** A heading as a term: lowercased, punctuation and spacing normalised, so "Store" and "store" meet. */
export function normalizeTerm(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_.]+/gu, ' ')
    .trim();
}
