import type { Node } from 'web-tree-sitter';
import { Chunk, ChunkOptions } from '../types';
import { createGrammarLoader, defaultWasmLocation, GrammarLoader, WasmLocation } from './grammars';
import { LanguageInfo } from './languages';
import { chunkLineWindows } from './lineWindowChunker';
import { BODY_TYPES, kindLabel, SYNTAX, SyntaxTable } from './syntaxTables';

/** A span of lines (0-based, inclusive) with the title its chunk will carry. */
interface Unit {
  start: number;
  end: number;
  title: string;
  /** Top matter (imports, statements between definitions) rather than a definition. */
  loose: boolean;
  node?: Node;
}

/** Containers nested deeper than this are not split further (their members stay whole or go to line windows). */
const MAX_SPLIT_DEPTH = 4;
/** Definitions below this share of the limit merge with small neighbours. */
const TINY_SHARE = 0.15;
/** A parse whose top-level error nodes cover more than this share of the lines is not trusted. */
const MAX_ERROR_SHARE = 0.5;

export type CodeChunker = (relPath: string, text: string, lang: LanguageInfo, opts: ChunkOptions) => Promise<Chunk[]>;

/**
 * Chunks code by syntax: a chunk per function, method, class and the like, titled by the symbol and
 * its container (`class Foo > method bar`). Large containers split into their members, large
 * functions into line windows that keep the title, tiny neighbours merge, and the top matter
 * (imports, statements) becomes chunks of its own, so every line of the file is in some chunk.
 * Anything that goes wrong falls back to line windows; it never throws.
 */
export function createCodeChunker(loc: WasmLocation = defaultWasmLocation(), log?: (message: string) => void): CodeChunker {
  const load: GrammarLoader = createGrammarLoader(loc, log);
  return async (relPath, text, lang, opts) => {
    const fallback = () => chunkLineWindows(relPath, text, lang.id, 'code', opts);
    const table = lang.grammar ? SYNTAX[lang.grammar] : undefined;
    if (!lang.grammar || !table || !text.trim()) return fallback();
    const parser = await load(lang.grammar);
    if (!parser) return fallback();
    let tree;
    try {
      tree = parser.parse(text);
    } catch (err) {
      log?.(`Could not parse ${relPath}: ${err instanceof Error ? err.message : err}`);
      return fallback();
    }
    if (!tree) return fallback();
    try {
      const lines = text.split('\n');
      const root = tree.rootNode;
      if (root.hasError && errorShare(root, lines.length) > MAX_ERROR_SHARE) return fallback();
      const units = unitsOf(children(root), table, lines, opts.maxTokens, [], 0, true);
      return toChunks(mergeTiny(units, lines, opts.maxTokens), relPath, lines, lang.id, opts);
    } catch (err) {
      log?.(`Syntax chunking failed for ${relPath} (${err instanceof Error ? err.message : err}); using line windows.`);
      return fallback();
    } finally {
      tree.delete();
    }
  };
}

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let i = 0; i < node.namedChildCount; i++) {
    const c = node.namedChild(i);
    if (c) out.push(c);
  }
  return out;
}

function startRow(n: Node): number {
  return n.startPosition.row;
}

/** The last line a node really occupies (a node ending at column 0 ends on the line before). */
function endRow(n: Node): number {
  const { row, column } = n.endPosition;
  return column === 0 && row > n.startPosition.row ? row - 1 : row;
}

function errorShare(root: Node, lineCount: number): number {
  let errorLines = 0;
  for (const c of children(root)) if (c.type === 'ERROR') errorLines += endRow(c) - startRow(c) + 1;
  return errorLines / Math.max(1, lineCount);
}

/** The definition a top-level node stands for, looking through wrappers such as `export` and decorators. */
function definitionOf(node: Node, table: SyntaxTable): Node | undefined {
  if (table.definitions.has(node.type)) return node;
  if (table.wrappers.has(node.type)) {
    for (const c of children(node)) {
      const inner = definitionOf(c, table);
      if (inner) return inner;
    }
  }
  if (node.type === 'lexical_declaration' || node.type === 'variable_declaration') {
    // `const handler = () => …` is a function in all but name.
    const declarator = children(node).find((c) => c.type === 'variable_declarator');
    const value = declarator?.childForFieldName('value');
    if (value && /arrow_function|function_expression|function$|class$/.test(value.type)) return node;
  }
  return undefined;
}

function nameOf(def: Node): string {
  if (def.type === 'lexical_declaration' || def.type === 'variable_declaration') {
    return children(def).find((c) => c.type === 'variable_declarator')?.childForFieldName('name')?.text ?? '(anonymous)';
  }
  if (def.type === 'impl_item') {
    const type = def.childForFieldName('type')?.text ?? '?';
    const trait = def.childForFieldName('trait')?.text;
    return trait ? `${trait} for ${type}` : type;
  }
  if (def.type === 'method_declaration' && def.childForFieldName('receiver')) {
    const receiver = def.childForFieldName('receiver')!.text.replace(/[()*]/g, ' ').trim().split(/\s+/).pop();
    return `${receiver}.${def.childForFieldName('name')?.text ?? '?'}`;
  }
  const named = def.childForFieldName('name');
  if (named) return oneLine(named.text);
  // C and C++ put the name inside nested declarators: `int *foo(int x)`.
  let d = def.childForFieldName('declarator');
  for (let i = 0; d && i < 8; i++) {
    if (/identifier|field_identifier|qualified_identifier|operator_name|destructor_name/.test(d.type) && !d.childForFieldName('declarator')) return oneLine(d.text);
    d = d.childForFieldName('declarator') ?? children(d).find((c) => /declarator|identifier/.test(c.type)) ?? null;
  }
  if (def.type === 'type_declaration') {
    const spec = children(def).find((c) => c.type === 'type_spec');
    if (spec?.childForFieldName('name')) return spec.childForFieldName('name')!.text;
  }
  const ident = children(def).find((c) => /^(identifier|type_identifier|constant|name|simple_identifier|word)$/.test(c.type));
  return ident ? oneLine(ident.text) : '(anonymous)';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 80);
}

/** A container's member nodes: inside its body node when it has one. */
function membersOf(container: Node): Node[] {
  const body = container.childForFieldName('body') ?? children(container).find((c) => BODY_TYPES.has(c.type));
  if (!body) return children(container);
  const inner = children(body);
  const nestedBody = inner.length === 1 && BODY_TYPES.has(inner[0].type) ? inner[0] : undefined;
  return nestedBody ? children(nestedBody) : inner;
}

/**
 * Units for a run of sibling nodes. Comments directly above a definition (no blank line between)
 * join it; everything that is not a definition gathers into loose units.
 */
function unitsOf(nodes: Node[], table: SyntaxTable, lines: string[], maxTokens: number, path: string[], depth: number, topLevel: boolean, inClass = false): Unit[] {
  const units: Unit[] = [];
  let loose: { start: number; end: number; imports: boolean } | undefined;
  const flushLoose = () => {
    if (!loose) return;
    const title = path.length ? [...path, 'members'].join(' > ') : topLevel && loose.imports && units.length === 0 ? 'imports' : 'top level';
    units.push({ start: loose.start, end: loose.end, title, loose: true });
    loose = undefined;
  };
  let pendingComments: Node[] = [];
  const takeComments = () => {
    const c = pendingComments;
    pendingComments = [];
    return c;
  };
  for (const node of nodes) {
    if (/comment/.test(node.type)) {
      const last = pendingComments[pendingComments.length - 1];
      if (last && startRow(node) > endRow(last) + 1) {
        for (const c of takeComments()) addLoose(c);
      }
      pendingComments.push(node);
      continue;
    }
    const def = definitionOf(node, table);
    if (!def) {
      for (const c of takeComments()) addLoose(c);
      addLoose(node, table.imports.has(node.type));
      continue;
    }
    flushLoose();
    const comments = takeComments();
    const lastComment = comments[comments.length - 1];
    const attached = lastComment && startRow(node) <= endRow(lastComment) + 1 ? comments : [];
    for (const c of comments) if (!attached.includes(c)) addLoose(c);
    flushLoose();
    const start = attached.length ? startRow(attached[0]) : startRow(node);
    const title = [...path, `${kindLabel(def.type, inClass)} ${nameOf(def)}`].join(' > ');
    const unit: Unit = { start, end: endRow(node), title, loose: false, node: def };
    units.push(...splitIfLarge(unit, table, lines, maxTokens, depth));
  }
  for (const c of takeComments()) addLoose(c);
  flushLoose();
  return units;

  function addLoose(node: Node, isImport = false) {
    if (loose) {
      loose.end = Math.max(loose.end, endRow(node));
      loose.imports &&= isImport || /comment/.test(node.type);
    } else {
      loose = { start: startRow(node), end: endRow(node), imports: isImport };
    }
  }
}

/** A definition over the limit: a container splits into its header, members and tail; anything else stays whole for line windows. */
function splitIfLarge(unit: Unit, table: SyntaxTable, lines: string[], maxTokens: number, depth: number): Unit[] {
  if (tokensOf(lines, unit.start, unit.end) <= maxTokens || !unit.node || !table.containers.has(unit.node.type) || depth >= MAX_SPLIT_DEPTH) return [unit];
  const members = membersOf(unit.node).filter((m) => startRow(m) > unit.start || endRow(m) < unit.end);
  if (members.length === 0) return [unit];
  const classLike = !/namespace|module|mod_item/.test(unit.node.type);
  const inner = unitsOf(members, table, lines, maxTokens, [unit.title], depth + 1, false, classLike);
  if (inner.length === 0) return [unit];
  const out: Unit[] = [];
  const first = inner[0].start;
  const last = inner[inner.length - 1].end;
  // The container's own lines (its signature and fields before the first member, its closing lines) keep its title.
  if (first > unit.start) out.push({ start: unit.start, end: first - 1, title: unit.title, loose: true });
  out.push(...inner);
  if (last < unit.end) out.push({ start: last + 1, end: unit.end, title: unit.title, loose: true });
  return out;
}

function tokensOf(lines: string[], start: number, end: number): number {
  let chars = 0;
  for (let i = start; i <= end; i++) chars += lines[i].length + 1;
  return Math.ceil(chars / 4);
}

/**
 * Merges small neighbouring units while the result stays small: five one-line helpers are more
 * useful as one chunk than as five. Units are first made to tile the lines they cover (gaps between
 * them are blank lines or belong to the previous unit).
 */
function mergeTiny(units: Unit[], lines: string[], maxTokens: number): Unit[] {
  const sorted = [...units].sort((a, b) => a.start - b.start);
  const merged: Unit[] = [];
  const tiny = (u: Unit) => tokensOf(lines, u.start, u.end) < maxTokens * TINY_SHARE;
  for (const u of sorted) {
    const prev = merged[merged.length - 1];
    if (prev && u.start <= prev.end) {
      // Overlap can only come from a container's header meeting its first member; keep lines once.
      u.start = prev.end + 1;
      if (u.start > u.end) continue;
    }
    if (prev && tiny(prev) && tiny(u) && tokensOf(lines, prev.start, u.end) <= maxTokens && !prev.loose && !u.loose) {
      prev.end = u.end;
      prev.title = joinTitles(prev.title, u.title);
      continue;
    }
    merged.push({ ...u });
  }
  return merged;
}

function joinTitles(a: string, b: string): string {
  const names = a.split(', ');
  if (names.length >= 4) return names.at(-1) === '…' ? a : `${a}, …`;
  return `${a}, ${b}`;
}

function toChunks(units: Unit[], relPath: string, lines: string[], language: string, opts: ChunkOptions): Chunk[] {
  const chunks: Chunk[] = [];
  for (const u of units) {
    const text = lines.slice(u.start, u.end + 1).join('\n');
    if (!text.trim()) continue;
    if (tokensOf(lines, u.start, u.end) > opts.maxTokens) {
      chunks.push(...chunkLineWindows(relPath, text, language, 'code', opts, u.title, u.start + 1));
      continue;
    }
    chunks.push({ path: relPath, startLine: u.start + 1, endLine: u.end + 1, language, kind: 'code', title: u.title, text });
  }
  return chunks;
}
