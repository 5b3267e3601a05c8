import { runAtOnce, Steps } from '../steps';
import { Chunk } from '../types';
import { Bm25Index } from './bm25Index';
import { definedSymbols } from './definedSymbols';
import { LexicalState } from './lexicalState';
import { SymbolTable } from './symbolTable';
import { tokenize } from './tokenize';

/** A chunk with the id that names it across the store, the vectors and the snapshot. */
export type IdentifiedChunk = Chunk & { id: string };

/** Where a file's chunks are read from when they are needed (ranking by phrases, results): the store. */
export type ChunkSource = (path: string) => readonly IdentifiedChunk[] | undefined;

/** A chunk by its place in the snapshot's table (a file of them beside it); undefined unless it is that `id`, the `ordinal`-th of `path`. */
export type SnapshotChunk = (position: number, id: string, path: string, ordinal: number) => IdentifiedChunk | undefined;

/** One indexed file: its slot in the file-level fields, its chunks' slots and ids (the chunks stay in their source). */
interface FileEntry {
  slot: number;
  path: string;
  chars: number;
  chunkSlots: number[];
  ids: string[];
}

/** A file to restore: its place in the snapshot (`from`), or (-1) its chunks to tokenize. */
export interface RestoredFile {
  path: string;
  chunkCount: number;
  chars: number;
  from: number;
  chunks?: readonly IdentifiedChunk[];
}

/**
 * The lexical fields, each its own BM25 index so each can be weighted: per chunk the body (title, path
 * and text, as before) and the title (heading path or symbol path, plus the names the chunk defines);
 * per file the whole file (every chunk's text) and its path. Chunk fields share slot numbers, as do
 * file fields, because they are always added together.
 */
export class LexicalIndex {
  readonly body = new Bm25Index();
  readonly titles = new Bm25Index({ k1: 1.2, b: 0.3 });
  readonly files = new Bm25Index();
  readonly paths = new Bm25Index({ k1: 1.2, b: 0.3 });
  readonly symbols = new SymbolTable();
  private readonly byPath = new Map<string, FileEntry>();
  private readonly fileAt: (FileEntry | undefined)[] = [];
  private readonly fileOfSlot: number[] = [];
  /** Each chunk slot's place in its file's chunk list. */
  private readonly ordinalOf: number[] = [];
  /** A restored chunk slot's place in the snapshot's table, where `snapshotChunk` finds it. */
  private readonly positionOf: number[] = [];
  private snapshotChunk: SnapshotChunk | undefined;
  /** Chunks kept here when no source was given (an index on its own, as tests build). */
  private readonly own = new Map<string, readonly IdentifiedChunk[]>();
  private readonly source: ChunkSource;
  private chars = 0;

  constructor(source?: ChunkSource) {
    this.source = source ?? ((p) => this.own.get(p));
    this.keepsChunks = !source;
  }

  private readonly keepsChunks: boolean;

  /** Characters of chunk text indexed. */
  get textChars(): number {
    return this.chars;
  }

  get size(): number {
    return this.body.size;
  }

  /** Indexes one file's chunks (all of them, one path) and returns their slots in order. */
  addFile(chunks: readonly IdentifiedChunk[]): number[] {
    return this.addTokenized(runAtOnce(tokenizeFileSteps(chunks)));
  }

  /** Adds a file tokenized beforehand (see `tokenizeFileSteps`); returns its chunks' slots in order. */
  addTokenized(file: TokenizedFile): number[] {
    const { chunks } = file;
    if (chunks.length === 0) return [];
    const filePath = chunks[0].path;
    this.removeFile(filePath);
    const slot = this.files.add(file.fileTokens);
    this.paths.add(tokenize(filePath));
    const entry: FileEntry = { slot, path: filePath, chars: 0, chunkSlots: [], ids: [] };
    chunks.forEach((c, i) => {
      const s = this.body.add(file.chunkTokens[i]);
      this.titles.add(file.titleTokens[i]);
      this.symbols.add(s, file.names[i]);
      this.place(entry, s, c.id, c.text.length);
    });
    if (this.keepsChunks) this.own.set(filePath, chunks);
    this.hold(entry);
    return entry.chunkSlots;
  }

  private place(entry: FileEntry, chunkSlot: number, id: string, chars: number): void {
    this.fileOfSlot[chunkSlot] = entry.slot;
    this.ordinalOf[chunkSlot] = entry.chunkSlots.length;
    entry.chunkSlots.push(chunkSlot);
    entry.ids.push(id);
    entry.chars += chars;
  }

  private hold(entry: FileEntry): void {
    this.byPath.set(entry.path, entry);
    this.fileAt[entry.slot] = entry;
    this.chars += entry.chars;
  }

  /**
   * Fills an empty index from a snapshot and the store's files, in the order given (path order), as adding them
   * one by one would: the same slots, so ties rank alike. A file with `from` (its place in the
   * snapshot's file table) takes its postings from the snapshot; one without is tokenized. Returns each
   * file's chunk slots. Throws when the snapshot does not fit (the caller then rebuilds).
   */
  restore(state: LexicalState, files: readonly RestoredFile[], snapshotChunk?: SnapshotChunk): number[][] {
    if (this.files.slotCount > 0) throw new Error('restore needs an empty index');
    this.snapshotChunk = snapshotChunk;
    const chunkOf = new Int32Array(state.body.lengths.length).fill(-1);
    const fileOf = new Int32Array(state.files.lengths.length).fill(-1);
    const firstChunk = chunkOffsets(state.table.chunkCounts);
    const out = files.map((f) => {
      if (f.from < 0) return this.addFile(f.chunks ?? []);
      if (f.chunkCount === 0 || state.table.chunkCounts[f.from] !== f.chunkCount || this.byPath.has(f.path)) throw new Error('a file has another number of chunks than the snapshot says');
      const oldFile = state.table.fileSlots[f.from];
      const slot = this.files.adoptSlot(state.files, oldFile);
      this.paths.adoptSlot(state.paths, oldFile);
      fileOf[oldFile] = slot;
      const entry: FileEntry = { slot, path: f.path, chars: 0, chunkSlots: [], ids: [] };
      for (let i = 0; i < f.chunkCount; i++) {
        const old = state.table.chunkSlots[firstChunk[f.from] + i];
        const s = this.body.adoptSlot(state.body, old);
        this.titles.adoptSlot(state.titles, old);
        chunkOf[old] = s;
        this.positionOf[s] = firstChunk[f.from] + i;
        this.place(entry, s, state.table.chunkIds[firstChunk[f.from] + i], 0);
      }
      entry.chars = f.chars;
      if (this.keepsChunks && f.chunks) this.own.set(f.path, f.chunks);
      this.hold(entry);
      return entry.chunkSlots;
    });
    for (const [field, part] of [[this.body, state.body], [this.titles, state.titles]] as const) field.restorePostings(part, chunkOf);
    for (const [field, part] of [[this.files, state.files], [this.paths, state.paths]] as const) field.restorePostings(part, fileOf);
    this.symbols.restore(state.symbols, chunkOf);
    return out;
  }

  /** The index as flat arrays (live documents only), for a snapshot; `idOf` names each chunk. */
  exportState(): LexicalState {
    return runAtOnce(this.exportSteps());
  }

  /** The export in steps (see steps.ts); nothing may change the index between them. */
  *exportSteps(): Steps<LexicalState> {
    const entries = [...this.byPath.values()];
    const chunkSlots: number[] = [];
    const chunkIds: string[] = [];
    for (const e of entries) {
      chunkSlots.push(...e.chunkSlots);
      chunkIds.push(...e.ids);
    }
    const table = {
      paths: entries.map((e) => e.path),
      fileSlots: Uint32Array.from(entries, (e) => e.slot),
      chunkCounts: Uint32Array.from(entries, (e) => e.chunkSlots.length),
      chunkSlots: Uint32Array.from(chunkSlots),
      chunkIds,
    };
    yield;
    const body = yield* this.body.exportSteps();
    const titles = yield* this.titles.exportSteps();
    const files = yield* this.files.exportSteps();
    const paths = yield* this.paths.exportSteps();
    yield;
    return { body, titles, files, paths, symbols: this.symbols.exportState(), table };
  }

  /**
   * Removes a file. Its postings are found from its chunks (`chunks`, else its source); when they can
   * no longer be had as indexed (the store lost them), every field is searched for its slots instead.
   */
  removeFile(filePath: string, chunks?: readonly IdentifiedChunk[]): void {
    const entry = this.byPath.get(filePath);
    if (!entry) return;
    const asIndexed = (list: readonly IdentifiedChunk[] | undefined) => !!list && list.length === entry.ids.length && list.every((c, i) => c.id === entry.ids[i]);
    const indexed = asIndexed(chunks) ? chunks : [this.source(filePath)].find(asIndexed);
    this.paths.remove(entry.slot, tokenize(filePath));
    if (indexed) {
      this.files.remove(entry.slot, fileTokens(filePath, indexed));
      indexed.forEach((c, i) => {
        const s = entry.chunkSlots[i];
        const names = definedSymbols(c);
        this.body.remove(s, chunkTokens(c));
        this.titles.remove(s, titleTokens(c, names));
        this.symbols.remove(s, names);
      });
    } else {
      this.files.removeUnknown([entry.slot]);
      for (const field of [this.body, this.titles]) field.removeUnknown(entry.chunkSlots);
      this.symbols.removeUnknown(entry.chunkSlots);
    }
    this.byPath.delete(filePath);
    this.own.delete(filePath);
    this.fileAt[entry.slot] = undefined;
    this.chars -= entry.chars;
  }

  /** Reads restored chunks from a new snapshot's chunks file: `chunkSlots[i]` is at position i of it. */
  useSnapshot(chunkSlots: ArrayLike<number>, snapshotChunk: SnapshotChunk): void {
    this.positionOf.length = 0;
    for (let i = 0; i < chunkSlots.length; i++) this.positionOf[chunkSlots[i]] = i;
    this.snapshotChunk = snapshotChunk;
  }

  /** The id of the chunk in a slot (no chunk is read). */
  idOf(chunkSlot: number): string | undefined {
    return this.fileAt[this.fileOfSlot[chunkSlot]]?.ids[this.ordinalOf[chunkSlot]];
  }

  /** The path of the file a chunk slot belongs to (no chunk is read). */
  pathOf(chunkSlot: number): string | undefined {
    return this.fileAt[this.fileOfSlot[chunkSlot]]?.path;
  }

  /** The chunk in a slot, read from the source; undefined when the source no longer has it as indexed. */
  chunk(chunkSlot: number): IdentifiedChunk | undefined {
    const entry = this.fileAt[this.fileOfSlot[chunkSlot]];
    const i = this.ordinalOf[chunkSlot];
    if (!entry || entry.chunkSlots[i] !== chunkSlot) return undefined;
    const position = this.positionOf[chunkSlot];
    const restored = position === undefined ? undefined : this.snapshotChunk?.(position, entry.ids[i], entry.path, i);
    if (restored) return restored;
    const c = this.source(entry.path)?.[i];
    return c?.id === entry.ids[i] ? c : undefined;
  }

  /** The file slot a chunk slot belongs to. */
  fileOf(chunkSlot: number): number {
    return this.fileOfSlot[chunkSlot];
  }

  file(fileSlot: number): Readonly<FileEntry> | undefined {
    return this.fileAt[fileSlot];
  }

  fileByPath(filePath: string): Readonly<FileEntry> | undefined {
    return this.byPath.get(filePath);
  }

  /** Every indexed path (for matching paths a question mentions). */
  allPaths(): IterableIterator<string> {
    return this.byPath.keys();
  }
}

function chunkOffsets(counts: Uint32Array): Uint32Array {
  const out = new Uint32Array(counts.length);
  for (let i = 1; i < counts.length; i++) out[i] = out[i - 1] + counts[i - 1];
  return out;
}

/** A file's tokens for every field, worked out before the index changes. */
export interface TokenizedFile {
  chunks: readonly IdentifiedChunk[];
  fileTokens: string[];
  chunkTokens: string[][];
  titleTokens: string[][];
  names: string[][];
}

/** Chunks tokenized in one step: a few milliseconds. */
const STEP_CHUNKS = 16;

/**
 * Tokenizes a file for every field in steps (see steps.ts): a large file (a 780 KB changelog, 900 chunks)
 * held the engine thread half a second in one go. Each chunk's text is tokenized once, for its body and
 * the whole-file field alike; the tokens are the ones `chunkTokens` and `fileTokens` give.
 */
export function* tokenizeFileSteps(chunks: readonly IdentifiedChunk[]): Steps<TokenizedFile> {
  const pathTokens = chunks.length ? tokenize(chunks[0].path) : [];
  const file: TokenizedFile = { chunks, fileTokens: [...pathTokens], chunkTokens: [], titleTokens: [], names: [] };
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    const text = tokenize(c.text);
    for (const t of text) file.fileTokens.push(t);
    file.chunkTokens.push([...tokenize(c.title), ...pathTokens, ...text]);
    const names = definedSymbols(c);
    file.names.push(names);
    file.titleTokens.push(titleTokens(c, names));
    if (i % STEP_CHUNKS === STEP_CHUNKS - 1) yield;
  }
  return file;
}

/** What the body field sees of a chunk: its title and path count beside the text. */
export function chunkTokens(c: Chunk): string[] {
  return [...tokenize(c.title), ...tokenize(c.path), ...tokenize(c.text)];
}

function titleTokens(c: Chunk, names: readonly string[]): string[] {
  return [...tokenize(c.title.replace(/\s*\(part \d+\)$/, '')), ...names.flatMap((n) => tokenize(n))];
}

/** The whole-file field: the path once and every chunk's text. */
function fileTokens(filePath: string, chunks: readonly Chunk[]): string[] {
  const out = tokenize(filePath);
  for (const c of chunks) for (const t of tokenize(c.text)) out.push(t);
  return out;
}
