import type { Node, Parser, Tree } from 'web-tree-sitter';
import { errorText } from '../errorText';
import type { CodeChunkFn } from './chunkFile';
import { Chunk, ChunkOptions } from '../types';
import { createGrammarLoader, defaultWasmLocation, GrammarLoader, WasmLocation } from './grammars';
import { chunkLineWindows, lineWindows, maxCharsFor, splitLines } from './lineWindowChunker';
import { BODY_TYPES, kindLabel, SYNTAX, SyntaxTable } from './syntaxTables';

export interface CodeChunkerTuning {
  /** A parse that takes longer is abandoned for line windows (error recovery on garbage can take many seconds). */
  parseTimeoutMs?: number;
}

/** Containers nested deeper than this are not split further, and wrappers deeper than this are not looked into. */
const MAX_DEPTH = 4;
/** A unit under this share of the limit may merge with small neighbours. */
const TINY_SHARE = 0.15;
/** A parse whose top-level error nodes cover more than this share of the lines is not trusted. */
const MAX_ERROR_SHARE = 0.5;
/** Merged units name at most this many symbols in their title. */
const MAX_TITLE_NAMES = 4;
const DEFAULT_PARSE_TIMEOUT_MS = 5000;

/** Nodes that belong to the definition right below them: comments, decorators, attributes. */
const ATTACHABLE_TYPES = new Set(['decorator', 'attribute_item', 'attribute_list', 'annotation', 'marker_annotation']);
/** Lines that open a file and may sit in its imports chunk. */
const PREAMBLE_TYPES = new Set(['php_tag', 'hash_bang_line']);
/** Keywords that name the kind of a type better than its node type does (Swift and Kotlin fold several into one). */
const KIND_KEYWORDS = new Set(['class', 'interface', 'struct', 'enum', 'union', 'trait', 'protocol', 'extension', 'actor', 'object', 'record', 'module', 'namespace']);
/** Names of units that hold no symbol. */
const GENERIC_NAMES = new Set(['imports', 'top level', 'members']);
/** Containers whose members are functions rather than methods. */
const NAMESPACE_LIKE = /namespace|module|mod_item|program/;

/**
 * A run of the file's lines (0-based, inclusive) that becomes one chunk, or line windows that keep
 * its title when it is over the limit.
 */
interface Unit {
  start: number;
  end: number;
  /** Titles of the enclosing containers, outermost first (`namespace Billing`, `class Invoice`). */
  container: readonly string[];
  /** What the unit holds (`method bar`, `imports`, `members`); several once tiny neighbours merge. */
  names: string[];
  /** A definition or a piece of one, or the lines between definitions. */
  role: 'definition' | 'loose';
  /** Tiny neighbours may merge into it; the file's top matter and a split container's own lines stay apart. */
  mergeable: boolean;
}

/** A node among its siblings, as the chunker sees it. */
interface Item {
  node: Node;
  start: number;
  end: number;
  /** Attachables join the definition below them; imports and preamble lines make an `imports` chunk. */
  role: 'attachable' | 'definition' | 'import' | 'preamble' | 'other';
  def?: Node;
  /** A definition whose members can be split out when it is over the limit. */
  container?: boolean;
}

/** The file being chunked: its lines and what the limits are in characters. */
interface Source {
  lines: string[];
  /** `offsets[i]` is the number of characters before line i, newlines included. */
  offsets: number[];
  maxChars: number;
  table: SyntaxTable;
}

/**
 * Chunks code by syntax: a chunk per function, method, class and the like, titled by the symbol and
 * its containers (`class Foo > method bar`). A container over the limit splits into its members, a
 * function over the limit into line windows that keep its title, tiny neighbours merge, and the
 * file's top matter (imports, statements between definitions) gets chunks of its own, so every
 * non-blank line is in some chunk. A grammar that does not load, a parse that fails or is mostly
 * errors, and any other trouble fall back to line windows: it never throws.
 */
export function createCodeChunker(loc?: WasmLocation, log?: (message: string) => void, tuning: CodeChunkerTuning = {}): CodeChunkFn {
  let load: GrammarLoader | undefined;
  const timeoutMs = tuning.parseTimeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  return async (relPath, text, lang, opts) => {
    try {
      const table = lang.grammar !== undefined && Object.prototype.hasOwnProperty.call(SYNTAX, lang.grammar) ? SYNTAX[lang.grammar] : undefined;
      if (lang.grammar && table && text.trim()) {
        load ??= createGrammarLoader(loc ?? defaultWasmLocation(), log);
        const parser = await load(lang.grammar);
        const chunks = parser && syntaxChunks(parser, table, relPath, text, lang.id, opts, timeoutMs, log);
        if (chunks) return chunks;
      }
    } catch (err) {
      log?.(`Syntax chunking failed for ${relPath} (${errorText(err)}); it is chunked by lines.`);
    }
    return chunkLineWindows(relPath, text, lang.id, 'code', opts);
  };
}

/** Chunks by the syntax tree, or undefined when the file should be chunked by lines instead. */
function syntaxChunks(parser: Parser, table: SyntaxTable, relPath: string, text: string, language: string, opts: ChunkOptions, timeoutMs: number, log?: (message: string) => void): Chunk[] | undefined {
  const tree = parseWithin(parser, text, timeoutMs, relPath, log);
  if (!tree) return undefined;
  try {
    const lines = splitLines(text);
    if (!trustworthy(tree.rootNode, lines.length)) return undefined;
    const src: Source = { lines, offsets: lineOffsets(lines), maxChars: maxCharsFor(opts), table };
    const units = fillGaps(unitsOf(children(tree.rootNode), src, [], 0), src);
    return toChunks(mergeTiny(units, src), src, relPath, language);
  } finally {
    tree.delete();
  }
}

/** Parses under a time budget; undefined when the parse fails or runs out of time. */
function parseWithin(parser: Parser, text: string, timeoutMs: number, relPath: string, log?: (message: string) => void): Tree | undefined {
  const deadline = Date.now() + timeoutMs;
  let tree: Tree | null = null;
  try {
    tree = parser.parse(text, null, { progressCallback: () => Date.now() > deadline });
    if (!tree) log?.(`Parsing ${relPath} took over ${timeoutMs} ms; it is chunked by lines.`);
  } catch (err) {
    log?.(`Could not parse ${relPath} (${errorText(err)}); it is chunked by lines.`);
  }
  // A cancelled parse is otherwise resumed by the next call, on the next file's text.
  if (!tree) parser.reset();
  return tree ?? undefined;
}

function trustworthy(root: Node, lineCount: number): boolean {
  if (root.type === 'ERROR') return false;
  if (!root.hasError) return true;
  let errorRows = 0;
  for (const c of children(root)) if (c.type === 'ERROR') errorRows += endRow(c) - startRow(c) + 1;
  return errorRows <= MAX_ERROR_SHARE * Math.max(1, lineCount);
}

function lineOffsets(lines: string[]): number[] {
  const offsets = new Array<number>(lines.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < lines.length; i++) offsets[i + 1] = offsets[i] + lines[i].length + 1;
  return offsets;
}

/** Characters of lines start..end joined by newlines, as the chunk's text would have. */
function spanChars(src: Source, start: number, end: number): number {
  return src.offsets[end + 1] - src.offsets[start] - 1;
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

function isAttachable(node: Node): boolean {
  return node.type.includes('comment') || ATTACHABLE_TYPES.has(node.type);
}

/**
 * The function or class a declaration holds, for `const handler = () => …` and, in a class,
 * `onClick = () => …`: functions in all but name.
 */
function functionValue(node: Node): Node | undefined {
  const holder =
    node.type === 'lexical_declaration' || node.type === 'variable_declaration'
      ? children(node).find((c) => c.type === 'variable_declarator')
      : node.type === 'public_field_definition' || node.type === 'field_definition'
        ? node
        : undefined;
  const value = holder?.childForFieldName('value');
  return value && /^(arrow_function|function_expression|function|generator_function|class)$/.test(value.type) ? value : undefined;
}

/** The definition a node stands for, looking through wrappers such as `export`, decorators and templates. */
function definitionOf(node: Node, table: SyntaxTable): Node | undefined {
  let current: Node | undefined = node;
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    if (table.definitions.has(current.type) || functionValue(current)) return current;
    if (!table.wrappers.has(current.type)) return undefined;
    current = children(current).find((c) => table.definitions.has(c.type) || table.wrappers.has(c.type) || functionValue(c));
  }
  return undefined;
}

function nameOf(def: Node): string {
  if (def.type === 'lexical_declaration' || def.type === 'variable_declaration') {
    return oneLine(children(def).find((c) => c.type === 'variable_declarator')?.childForFieldName('name')?.text ?? '(anonymous)');
  }
  if (def.type === 'impl_item') {
    const type = def.childForFieldName('type')?.text ?? '?';
    const trait = def.childForFieldName('trait')?.text;
    return oneLine(trait ? `${trait} for ${type}` : type);
  }
  const receiver = def.type === 'method_declaration' ? def.childForFieldName('receiver') : null;
  if (receiver) {
    // Go: `func (s *Server) Handle` is `Server.Handle`.
    const type = receiver.text.replace(/[()*]/g, ' ').trim().split(/\s+/).pop();
    return oneLine(`${type}.${def.childForFieldName('name')?.text ?? '?'}`);
  }
  const named = def.childForFieldName('name');
  if (named) return oneLine(named.text);
  const declared = declaratorName(def);
  if (declared) return declared;
  if (def.type === 'type_declaration') {
    const spec = children(def).find((c) => c.type === 'type_spec');
    const name = spec?.childForFieldName('name');
    if (name) return oneLine(name.text);
  }
  const ident = children(def).find((c) => /^(identifier|type_identifier|constant|name|simple_identifier|word)$/.test(c.type));
  return ident ? oneLine(ident.text) : '(anonymous)';
}

/** C and C++ put a function's name inside nested declarators: `int *foo(int x)`. */
function declaratorName(def: Node): string | undefined {
  let d = def.childForFieldName('declarator');
  for (let i = 0; d && i < 8; i++) {
    const inner = d.childForFieldName('declarator');
    if (!inner && /identifier|qualified_identifier|operator_name|destructor_name/.test(d.type)) return oneLine(d.text);
    d = inner ?? children(d).find((c) => /declarator|identifier/.test(c.type)) ?? null;
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 80);
}

/** What a title calls a definition: the language's own keyword when it has one (`struct`, `protocol`), else from its node type. */
function labelOf(def: Node, inClass: boolean): string {
  const value = functionValue(def);
  if (value) return value.type === 'class' ? 'class' : inClass ? 'method' : 'function';
  return kindKeyword(def) ?? kindLabel(def.type, inClass);
}

/** The keyword that opens a type's declaration, such as `struct` in Swift's `struct Circle` (Swift and Kotlin give several kinds one node type). */
function kindKeyword(node: Node): string | undefined {
  const declared = node.childForFieldName('declaration_kind');
  if (declared && KIND_KEYWORDS.has(declared.type)) return declared.type;
  for (let i = 0; i < Math.min(node.childCount, 6); i++) {
    const c = node.child(i);
    if (c && !c.isNamed && KIND_KEYWORDS.has(c.type)) return c.type;
  }
  return undefined;
}

/**
 * A named type or namespace the syntax table does not list (C#'s `record struct`, its file-scoped
 * `namespace Billing;`) is still a container when it holds definitions.
 */
function isUnlistedContainer(node: Node, table: SyntaxTable): boolean {
  return !!node.childForFieldName('name') && !!kindKeyword(node) && membersOf(node).some((m) => definitionOf(m, table));
}

/** A container's member nodes: inside its body node when it has one. */
function membersOf(container: Node): Node[] {
  const body = container.childForFieldName('body') ?? children(container).find((c) => BODY_TYPES.has(c.type));
  if (!body) return children(container);
  const inner = children(body);
  return inner.length === 1 && BODY_TYPES.has(inner[0].type) ? children(inner[0]) : inner;
}

/**
 * Comments a node swallowed at its end that start on a line of their own (Kotlin's import list keeps
 * the doc comment of the class below it), so they can go to the definition they describe.
 */
function trailingComments(node: Node): { contentEnd: number; comments: Node[] } | undefined {
  let current: Node | null = node;
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    const count: number = current.childCount;
    const last = current.child(count - 1);
    if (!last) return undefined;
    if (!last.type.includes('comment')) {
      current = last.isNamed ? last : null;
      continue;
    }
    let i = count - 1;
    while (i >= 0 && current.child(i)?.type.includes('comment')) i--;
    const before = i >= 0 ? current.child(i) : null;
    const comments: Node[] = [];
    for (let j = i + 1; j < count; j++) comments.push(current.child(j)!);
    if (!before || startRow(comments[0]) <= endRow(before)) return undefined;
    return { contentEnd: endRow(before), comments };
  }
  return undefined;
}

function itemsOf(nodes: Node[], table: SyntaxTable): Item[] {
  const items: Item[] = [];
  for (const node of nodes) {
    const start = startRow(node);
    if (isAttachable(node)) {
      items.push({ node, start, end: endRow(node), role: 'attachable' });
      continue;
    }
    const def = definitionOf(node, table);
    if (def && !declaresNamespace(def)) {
      items.push({ node, start, end: endRow(node), role: 'definition', def, container: table.containers.has(def.type) });
      continue;
    }
    if (!def && isUnlistedContainer(node, table)) {
      items.push({ node, start, end: endRow(node), role: 'definition', def: node, container: true });
      continue;
    }
    const role = PREAMBLE_TYPES.has(node.type) ? 'preamble' : def || table.imports.has(node.type) ? 'import' : 'other';
    const peeled = trailingComments(node);
    items.push({ node, start, end: peeled?.contentEnd ?? endRow(node), role });
    for (const c of peeled?.comments ?? []) items.push({ node: c, start: startRow(c), end: endRow(c), role: 'attachable' });
  }
  return items;
}

/** `namespace App;` (PHP), `mod parser;` (Rust): a namespace with no body names the file's place, like a package line. */
function declaresNamespace(def: Node): boolean {
  return NAMESPACE_LIKE.test(def.type) && !def.childForFieldName('body') && !children(def).some((c) => BODY_TYPES.has(c.type));
}

/**
 * Units for a run of sibling nodes. Comments, decorators and attributes directly above a definition
 * (no blank line between) join it; everything else that is not a definition gathers into loose units.
 */
function unitsOf(nodes: Node[], src: Source, container: readonly string[], depth: number, inClass = false): Unit[] {
  const units: Unit[] = [];
  let loose: { start: number; end: number; imports: number; others: number } | undefined;
  let pending: Item[] = [];
  let lastEnd = -1;

  /** Comments and preamble lines are neutral: a group of imports and comments is still imports. */
  const addLoose = (item: Item, kind: 'import' | 'neutral' | 'other') => {
    loose ??= { start: item.start, end: item.end, imports: 0, others: 0 };
    loose.end = Math.max(loose.end, item.end);
    if (kind === 'import') loose.imports++;
    if (kind === 'other') loose.others++;
  };
  const closeLoose = () => {
    if (!loose) return;
    const imports = loose.imports > 0 && loose.others === 0;
    const name = container.length ? 'members' : imports ? 'imports' : 'top level';
    // The file's top matter is a chunk of its own, whatever its size.
    const mergeable = !imports && !(container.length === 0 && units.length === 0);
    units.push({ start: loose.start, end: loose.end, container, names: [name], role: 'loose', mergeable });
    loose = undefined;
  };
  const flushPending = () => {
    for (const p of pending) addLoose(p, 'neutral');
    pending = [];
  };

  for (const item of itemsOf(nodes, src.table)) {
    if (item.role === 'attachable') {
      const previous = pending[pending.length - 1];
      if (previous && item.start > previous.end + 1) flushPending();
      // A comment that shares a line with the code before it describes that code.
      if (item.start <= lastEnd) addLoose(item, 'neutral');
      else pending.push(item);
      continue;
    }
    lastEnd = item.end;
    const inner = item.role === 'other' ? transparentUnits(item.node, src, container, depth, inClass) : undefined;
    if (inner) {
      flushPending();
      // The node's own opening lines (`#ifndef GUARD`, `namespace Billing;`) are loose matter here;
      // its closing lines end its last unit.
      if (inner[0].start > item.start) addLoose({ ...item, end: inner[0].start - 1 }, 'other');
      closeLoose();
      const last = inner[inner.length - 1];
      if (last.end < item.end) inner[inner.length - 1] = { ...last, end: item.end };
      units.push(...inner);
      continue;
    }
    if (item.role !== 'definition' || !item.def) {
      flushPending();
      addLoose(item, item.role === 'import' ? 'import' : item.role === 'preamble' ? 'neutral' : 'other');
      continue;
    }
    const attached = pending.length > 0 && item.start <= pending[pending.length - 1].end + 1 ? pending : [];
    if (attached.length === 0) flushPending();
    pending = [];
    closeLoose();
    units.push(...definitionUnits(item, item.def, attached[0]?.start ?? item.start, { src, container, depth, inClass }));
  }
  flushPending();
  closeLoose();
  return dropOverlaps(units);
}

/** A definition's unit, from its first attached comment on; a large container split into its members. */
function definitionUnits(item: Item, def: Node, start: number, at: { src: Source; container: readonly string[]; depth: number; inClass: boolean }): Unit[] {
  const unit: Unit = {
    start,
    end: item.end,
    container: at.container,
    names: [`${labelOf(def, at.inClass)} ${nameOf(def)}`],
    role: 'definition',
    mergeable: true,
  };
  return item.container ? splitIfLarge(unit, def, at.src, at.depth) : [unit];
}

/**
 * The units inside a node that is not a definition but holds some, such as an include guard
 * (`#ifndef`), a C# file-scoped namespace or an `extern "C"` block: its definitions are chunked as
 * if they stood at this level. Undefined when it holds none.
 */
function transparentUnits(node: Node, src: Source, container: readonly string[], depth: number, inClass: boolean): Unit[] | undefined {
  if (depth >= MAX_DEPTH || node.type === 'ERROR') return undefined;
  const members = membersOf(node);
  if (!members.some((m) => definitionOf(m, src.table))) return undefined;
  return unitsOf(members, src, container, depth + 1, inClass);
}

/**
 * A container over the limit splits into its own lines (signature, fields and other members before
 * the first definition), its member definitions, and what follows them; anything else over the
 * limit stays whole and becomes line windows.
 */
function splitIfLarge(unit: Unit, def: Node, src: Source, depth: number): Unit[] {
  if (spanChars(src, unit.start, unit.end) <= src.maxChars || depth >= MAX_DEPTH) return [unit];
  const container = [...unit.container, unit.names[0]];
  const inner = unitsOf(membersOf(def), src, container, depth + 1, !NAMESPACE_LIKE.test(def.type));
  const first = inner.findIndex((u) => u.role === 'definition');
  if (first < 0) return [unit];
  let last = inner.length - 1;
  while (inner[last].role !== 'definition') last--;
  const out: Unit[] = [];
  if (inner[first].start > unit.start) out.push({ ...unit, end: inner[first].start - 1, mergeable: false });
  const middle = inner.slice(first, last + 1).map((u) => ({ ...u }));
  const tailStart = middle[middle.length - 1].end + 1;
  if (last < inner.length - 1) {
    middle.push({ start: tailStart, end: unit.end, container, names: ['members'], role: 'definition', mergeable: false });
  } else if (tailStart <= unit.end) {
    // Only the closing lines (`}`, `end`) are left: they end the last member's chunk rather than make one.
    middle[middle.length - 1].end = unit.end;
  }
  for (const u of middle) out.push({ ...u, role: 'definition' });
  return out;
}

/** Units in order with no line in two of them: a unit that starts on a line the one before holds starts after it. */
function dropOverlaps(units: Unit[]): Unit[] {
  const out: Unit[] = [];
  for (const u of units) {
    const prev = out[out.length - 1];
    const start = prev ? Math.max(u.start, prev.end + 1) : u.start;
    if (start <= u.end) out.push(start === u.start ? u : { ...u, start });
  }
  return out;
}

/**
 * Gives every non-blank line not in a unit (tokens the syntax tree holds outside any named node,
 * such as a lone `;` or `#endif`) to a unit: punctuation ends the unit before it, anything else is
 * top-level matter of its own.
 */
function fillGaps(units: Unit[], src: Source): Unit[] {
  const out: Unit[] = [];
  const fill = (from: number, to: number) => {
    let first = from;
    while (first <= to && !src.lines[first].trim()) first++;
    let last = to;
    while (last >= first && !src.lines[last].trim()) last--;
    if (first > last) return;
    const prev = out[out.length - 1];
    const punctuation = !/[\p{L}\p{N}_]/u.test(src.lines.slice(first, last + 1).join(''));
    if (prev && punctuation) prev.end = last;
    else out.push({ start: first, end: last, container: [], names: ['top level'], role: 'loose', mergeable: true });
  };
  let next = 0;
  for (const u of units) {
    if (u.start > next) fill(next, u.start - 1);
    out.push({ ...u });
    next = u.end + 1;
  }
  fill(next, src.lines.length - 1);
  return out;
}

/**
 * Merges tiny neighbours at the same level while the result stays under the limit: five one-line
 * helpers are more useful as one chunk than as five.
 */
function mergeTiny(units: Unit[], src: Source): Unit[] {
  const tiny = (u: Unit) => spanChars(src, u.start, u.end) < src.maxChars * TINY_SHARE;
  const out: Unit[] = [];
  let groupIsTiny = false;
  for (const u of units) {
    const prev = out[out.length - 1];
    if (prev && groupIsTiny && prev.mergeable && u.mergeable && tiny(u) && sameContainer(prev, u) && spanChars(src, prev.start, u.end) <= src.maxChars) {
      prev.end = u.end;
      for (const n of u.names) if (!prev.names.includes(n)) prev.names.push(n);
      continue;
    }
    out.push({ ...u, names: [...u.names] });
    groupIsTiny = tiny(u);
  }
  return out;
}

function sameContainer(a: Unit, b: Unit): boolean {
  return a.container.length === b.container.length && a.container.every((c, i) => c === b.container[i]);
}

function titleOf(u: Unit): string {
  // A merged chunk is titled by the symbols it holds; `top level` and `members` only when it holds none.
  const symbols = u.names.filter((n) => !GENERIC_NAMES.has(n));
  const all = symbols.length ? symbols : u.names;
  const names = all.length > MAX_TITLE_NAMES ? [...all.slice(0, MAX_TITLE_NAMES), '…'] : all;
  return [...u.container, names.join(', ')].join(' > ');
}

/** Chunks for the units, without the blank lines at their edges; a unit over the limit becomes numbered line windows. */
function toChunks(units: Unit[], src: Source, relPath: string, language: string): Chunk[] {
  const chunks: Chunk[] = [];
  for (const u of units) {
    let start = u.start;
    let end = u.end;
    while (start <= end && !src.lines[start].trim()) start++;
    while (end >= start && !src.lines[end].trim()) end--;
    if (start > end) continue;
    const title = titleOf(u);
    if (spanChars(src, start, end) <= src.maxChars) {
      chunks.push({ path: relPath, startLine: start + 1, endLine: end + 1, language, kind: 'code', title, text: src.lines.slice(start, end + 1).join('\n') });
      continue;
    }
    lineWindows(src.lines.slice(start, end + 1), src.maxChars).forEach((w, i) => {
      chunks.push({ path: relPath, startLine: start + w.start + 1, endLine: start + w.end + 1, language, kind: 'code', title: `${title} (part ${i + 1})`, text: w.text });
    });
  }
  return chunks;
}
