import { Chunk } from '../types';
import { Bm25Index } from './bm25Index';
import { definedSymbols } from './definedSymbols';
import { LexicalState } from './lexicalState';
import { SymbolTable } from './symbolTable';
import { tokenize } from './tokenize';

/** One indexed file: its slot in the file-level fields and its chunks' slots. */
interface FileEntry {
  slot: number;
  path: string;
  chars: number;
  chunkSlots: number[];
  chunks: readonly Chunk[];
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

  get size(): number {
    return this.body.size;
  }

  /** Indexes one file's chunks (all of them, one path) and returns their slots in order. */
  addFile(chunks: readonly Chunk[]): number[] {
    if (chunks.length === 0) return [];
    const filePath = chunks[0].path;
    this.removeFile(filePath);
    const slot = this.files.add(fileTokens(filePath, chunks));
    this.paths.add(tokenize(filePath));
    const entry: FileEntry = { slot, path: filePath, chars: 0, chunkSlots: [], chunks };
    for (const c of chunks) {
      const s = this.body.add(chunkTokens(c));
      const names = definedSymbols(c);
      this.titles.add(titleTokens(c, names));
      this.symbols.add(s, names);
      this.fileOfSlot[s] = slot;
      entry.chunkSlots.push(s);
      entry.chars += c.text.length;
    }
    this.byPath.set(filePath, entry);
    this.fileAt[slot] = entry;
    return entry.chunkSlots;
  }

  /**
   * Fills an empty index from a snapshot and the store's files, in the store's order, as adding them
   * one by one would: the same slots, so ties rank alike. A file with `from` (its place in the
   * snapshot's file table) takes its postings from the snapshot; one without is tokenized. Returns each
   * file's chunk slots. Throws when the snapshot does not fit (the caller then rebuilds).
   */
  restore(state: LexicalState, files: readonly { chunks: readonly Chunk[]; from: number }[]): number[][] {
    if (this.files.slotCount > 0) throw new Error('restore needs an empty index');
    const chunkOf = new Int32Array(state.body.lengths.length).fill(-1);
    const fileOf = new Int32Array(state.files.lengths.length).fill(-1);
    const firstChunk = chunkOffsets(state.table.chunkCounts);
    const out = files.map(({ chunks, from }) => {
      if (from < 0) return this.addFile(chunks);
      if (chunks.length === 0 || state.table.chunkCounts[from] !== chunks.length) throw new Error('a file has another number of chunks than the snapshot says');
      const oldFile = state.table.fileSlots[from];
      const slot = this.files.adoptSlot(state.files, oldFile);
      this.paths.adoptSlot(state.paths, oldFile);
      fileOf[oldFile] = slot;
      const entry: FileEntry = { slot, path: chunks[0].path, chars: 0, chunkSlots: [], chunks };
      chunks.forEach((c, i) => {
        const old = state.table.chunkSlots[firstChunk[from] + i];
        const s = this.body.adoptSlot(state.body, old);
        this.titles.adoptSlot(state.titles, old);
        chunkOf[old] = s;
        this.fileOfSlot[s] = slot;
        entry.chunkSlots.push(s);
        entry.chars += c.text.length;
      });
      this.byPath.set(entry.path, entry);
      this.fileAt[slot] = entry;
      return entry.chunkSlots;
    });
    for (const [field, part] of [[this.body, state.body], [this.titles, state.titles]] as const) field.restorePostings(part, chunkOf);
    for (const [field, part] of [[this.files, state.files], [this.paths, state.paths]] as const) field.restorePostings(part, fileOf);
    this.symbols.restore(state.symbols, chunkOf);
    return out;
  }

  /** The index as flat arrays (live documents only), for a snapshot; `idOf` names each chunk. */
  exportState(idOf: (c: Chunk) => string): LexicalState {
    const entries = [...this.byPath.values()];
    const chunkSlots: number[] = [];
    const chunkIds: string[] = [];
    for (const e of entries) {
      chunkSlots.push(...e.chunkSlots);
      for (const c of e.chunks) chunkIds.push(idOf(c));
    }
    const table = {
      paths: entries.map((e) => e.path),
      fileSlots: Uint32Array.from(entries, (e) => e.slot),
      chunkCounts: Uint32Array.from(entries, (e) => e.chunkSlots.length),
      chunkSlots: Uint32Array.from(chunkSlots),
      chunkIds,
    };
    const [body, titles, files, paths] = [this.body, this.titles, this.files, this.paths].map((f) => f.exportState());
    return { body, titles, files, paths, symbols: this.symbols.exportState(), table };
  }

  removeFile(filePath: string): void {
    const entry = this.byPath.get(filePath);
    if (!entry) return;
    this.files.remove(entry.slot, fileTokens(filePath, entry.chunks));
    this.paths.remove(entry.slot, tokenize(filePath));
    entry.chunks.forEach((c, i) => {
      const s = entry.chunkSlots[i];
      const names = definedSymbols(c);
      this.body.remove(s, chunkTokens(c));
      this.titles.remove(s, titleTokens(c, names));
      this.symbols.remove(s, names);
    });
    this.byPath.delete(filePath);
    this.fileAt[entry.slot] = undefined;
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
