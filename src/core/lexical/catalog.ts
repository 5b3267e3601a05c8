import { runAtOnce, Steps } from '../steps';
import { StoredChunk } from '../store/records';
import { LexicalIndex, RestoredFile, SnapshotChunk, TokenizedFile, tokenizeFileSteps } from './lexicalIndex';
import { LexicalState } from './lexicalState';

/**
 * The chunks searchable: the lexical fields over them, and each chunk by its slot (what the lexical
 * index returns) and by its id (what the vector table returns). The chunks themselves stay in the
 * store (on disk, for an index without vectors) and are read for the few a question shows. Kept in
 * step with the store by the indexer, and with other writers' changes by the engine.
 */
export class Catalog {
  readonly lexical: LexicalIndex;
  /** Slot of each chunk id, built the first time a dense search asks. */
  private slotOfId: Map<string, number> | undefined;
  /** Chunks added or removed since this catalog was built: how far a snapshot taken then has fallen behind. */
  changedChunks = 0;

  constructor(source: (path: string) => readonly StoredChunk[] | undefined) {
    this.lexical = new LexicalIndex(source);
  }

  get size(): number {
    return this.lexical.size;
  }

  /** Characters of chunk text indexed: tells whether the whole workspace fits a model's prompt. */
  get textChars(): number {
    return this.lexical.textChars;
  }

  /** Adds one file's chunks (all of one path), replacing what the catalog held for that path. */
  addFile(chunks: StoredChunk[]): void {
    this.addTokenized(runAtOnce(tokenizeFileSteps(chunks)));
  }

  /** Adds a file tokenized beforehand (in steps, by `tokenizeFileSteps`). */
  addTokenized(file: TokenizedFile): void {
    const chunks = file.chunks as readonly StoredChunk[];
    if (chunks.length) this.removeFile(chunks[0].path);
    const slots = this.lexical.addTokenized(file);
    if (this.slotOfId) chunks.forEach((c, i) => this.slotOfId!.set(c.id, slots[i]));
    this.changedChunks += chunks.length;
  }

  /**
   * A catalog of the store's files (in path order) from a snapshot: a file with `from` (its
   * place in the snapshot's file table) is taken from it, the others are tokenized.
   */
  static restore(source: (path: string) => readonly StoredChunk[] | undefined, state: LexicalState, files: readonly RestoredFile[], snapshotChunk?: SnapshotChunk): Catalog {
    const catalog = new Catalog(source);
    catalog.lexical.restore(state, files, snapshotChunk);
    return catalog;
  }

  exportState(): LexicalState {
    return this.lexical.exportState();
  }

  exportSteps(): Steps<LexicalState> {
    return this.lexical.exportSteps();
  }

  /** Removes a file; `chunks` are the ones it was indexed with, when still known. */
  removeFile(path: string, chunks?: readonly StoredChunk[]): void {
    const entry = this.lexical.fileByPath(path);
    if (!entry) return;
    if (this.slotOfId) for (const id of entry.ids) this.slotOfId.delete(id);
    this.changedChunks += entry.ids.length;
    this.lexical.removeFile(path, chunks);
  }

  replaceFile(path: string, previous: readonly StoredChunk[] | undefined, chunks: StoredChunk[] | TokenizedFile): void {
    this.removeFile(path, previous);
    if (Array.isArray(chunks)) this.addFile(chunks);
    else this.addTokenized(chunks);
  }

  inSlot(slot: number): StoredChunk | undefined {
    return this.lexical.chunk(slot) as StoredChunk | undefined;
  }

  byId(id: string): StoredChunk | undefined {
    if (!this.slotOfId) {
      this.slotOfId = new Map();
      for (const path of this.lexical.allPaths()) {
        const entry = this.lexical.fileByPath(path)!;
        entry.ids.forEach((chunkId, i) => this.slotOfId!.set(chunkId, entry.chunkSlots[i]));
      }
    }
    const slot = this.slotOfId.get(id);
    return slot === undefined ? undefined : this.inSlot(slot);
  }

  /** Every chunk, file by file (reads them all: for a workspace small enough to send whole). */
  *chunks(): IterableIterator<StoredChunk> {
    for (const path of [...this.lexical.allPaths()]) {
      for (const slot of this.lexical.fileByPath(path)?.chunkSlots ?? []) {
        const c = this.inSlot(slot);
        if (c) yield c;
      }
    }
  }
}
