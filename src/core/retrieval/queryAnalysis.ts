import { tokenize } from '../lexical/tokenize';

/** What a question is, as far as ranking cares. */
export type QuestionKind = 'howto' | 'bug' | 'identifier' | 'implementation' | 'general';

export interface QueryAnalysis {
  text: string;
  /** Distinct query tokens. */
  terms: string[];
  /** How often each token occurs in the question: a long report repeats what it is about. */
  counts: Map<string, number>;
  /** Code-shaped names the question mentions (`resolve_redirects`, `Session.send`), lowercased. */
  identifiers: string[];
  /** Paths and modules it mentions (`requests/sessions.py`, `flask.app`), lowercased, with `/`. */
  paths: string[];
  kind: QuestionKind;
  /** Words that count: long questions are ranked with more weight on whole-file evidence. */
  length: number;
}

const FENCE = /```|^( {4}|\t)\S/m;
const TRACEBACK = /Traceback \(most recent call last\)|^\s*File "[^"]+", line \d+|^\s+at \S+ \(\S+:\d+:\d+\)|^\w+(\.\w+)*(Error|Exception): /m;
const REPORT_WORDS = /\b(error|exception|raises?|raised|crash(es|ed)?|fails?|failing|failed|bug|broken|regression|instead of|expected|traceback|stack ?trace)\b/i;
/** Words for the parts code is built of: a question using them asks how the code does it. */
const IMPLEMENTATION = /\b(class(es)?|methods?|functions?|parameters?|arguments?|attributes?|decorators?|subclass(es|ing)?|inherit\w*|instantiat\w*|implementation|implemented|constructor|callback|return (type|value)|signature|module|internals?)\b/i;
const HOWTO = /^\s*(how (do|can|should|would) (i|we|you|one)|how to|what('s| is) the (best |right |recommended )?way to|is there a way|can i|steps to)\b|\b(set up|setup|configure|install|enable|disable|get started)\b/i;

/** Reads a question for the rules that rank: its terms, the names and paths it mentions, its kind. */
export function analyseQuery(text: string): QueryAnalysis {
  const all = tokenize(text);
  const counts = new Map<string, number>();
  for (const t of all) counts.set(t, (counts.get(t) ?? 0) + 1);
  const identifiers = mentionedIdentifiers(text);
  const words = text.split(/\s+/).filter(Boolean).length;
  return { text, terms: [...counts.keys()], counts, identifiers, paths: mentionedPaths(text), kind: kindOf(text, words, identifiers), length: words };
}

function kindOf(text: string, words: number, identifiers: string[]): QuestionKind {
  if (TRACEBACK.test(text) || (FENCE.test(text) && words > 30) || (words > 60 && REPORT_WORDS.test(text))) return 'bug';
  if (HOWTO.test(text)) return 'howto';
  if (words <= 4 && identifiers.length > 0) return 'identifier';
  return IMPLEMENTATION.test(text) ? 'implementation' : 'general';
}

/**
 * Names written the way code writes them: snake_case, camelCase or PascalCase with an inner capital,
 * dotted (`Session.send`), called (`send()`), in backticks, or a frame's function in a traceback.
 * Plain words are left to BM25: "session" in prose names nothing in particular.
 */
export function mentionedIdentifiers(text: string): string[] {
  const out = new Set<string>();
  const add = (name: string) => {
    const n = name.replace(/^[.]+|[.()]+$/g, '').toLowerCase();
    if (n.length >= 3 && n.length <= 80 && !/^\d/.test(n)) out.add(n);
  };
  for (const m of text.matchAll(/`([^`\n]{2,80})`/g)) for (const w of m[1].match(/[\p{L}_$][\p{L}\p{N}_$.]*/gu) ?? []) if (isCodeShaped(w) || m[1].trim() === w) add(w);
  for (const m of text.matchAll(/\bin ([\p{L}_$][\p{L}\p{N}_$]*)\s*$/gmu)) add(m[1]);
  for (const m of text.matchAll(/[\p{L}_$][\p{L}\p{N}_$]*(?:\.[\p{L}_$][\p{L}\p{N}_$]*)*(\(\))?/gu)) {
    const w = m[0];
    if (isCodeShaped(w) && !looksLikeFileName(w)) add(w);
  }
  // A dotted name also names its last part (`Session.resolve_redirects` → `resolve_redirects`).
  for (const n of [...out]) if (n.includes('.')) add(n.slice(n.lastIndexOf('.') + 1));
  return [...out];
}

function isCodeShaped(w: string): boolean {
  const bare = w.replace(/\(\)$/, '');
  if (w.endsWith('()')) return true;
  if (/^[\p{L}_$][\p{L}\p{N}_$]*\.[\p{L}_$]/u.test(bare) && !/^(e\.g|i\.e|etc)\b/i.test(bare)) return true;
  if (/[\p{L}\p{N}]_[\p{L}\p{N}]/u.test(bare) || /^__\w+__$/.test(bare)) return true;
  return /\p{Ll}\p{Lu}/u.test(bare) || /^\p{Lu}{2,}\p{Ll}/u.test(bare);
}

const FILE_EXTENSION = /\.(py|pyi|js|jsx|mjs|cjs|ts|tsx|go|rs|java|kt|cs|c|h|cc|cpp|hpp|rb|php|swift|scala|lua|sh|md|mdx|rst|txt|json|ya?ml|toml|cfg|ini)$/i;

function looksLikeFileName(w: string): boolean {
  return FILE_EXTENSION.test(w);
}

/**
 * Paths a question mentions: slashed paths, file names with a known extension, traceback frames'
 * files, and dotted module names (`flask.app` → `flask/app`), which match a file by suffix later.
 */
export function mentionedPaths(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/[\w.\-]*(?:[\\/][\w.\-]+)+/g)) {
    const p = m[0].replace(/\\/g, '/').replace(/^\.?\/+/, '').replace(/[.,:;]+$/, '');
    if (p.includes('/') && !/^(https?:|www\.)/.test(p) && !/^\d+(\/\d+)+$/.test(p)) out.add(p.toLowerCase());
  }
  for (const m of text.matchAll(/\b[\w\-]+\.[A-Za-z]{1,5}\b/g)) if (FILE_EXTENSION.test(m[0])) out.add(m[0].toLowerCase());
  for (const m of text.matchAll(/\b[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+\b/g)) {
    if (!FILE_EXTENSION.test(m[0]) && !/^(e\.g|i\.e)$/.test(m[0])) out.add(m[0].replace(/\./g, '/'));
  }
  return [...out];
}
