import { Chunk } from '../types';
import { Bm25Index } from './bm25Index';
import { definedSymbols } from './definedSymbols';
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
