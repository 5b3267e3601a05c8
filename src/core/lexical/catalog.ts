import { StoredChunk } from '../store/records';
import { LexicalIndex } from './lexicalIndex';
import { LexicalState } from './lexicalState';

/**
 * The chunks in memory, searchable: the lexical fields over them, and each chunk by its slot (what
 * the lexical index returns) and by its id (what the vector table returns). Kept in step with the
 * store by the indexer, and with other writers' changes by the engine.
 */
export class Catalog {
  readonly lexical = new LexicalIndex();
  private readonly slotOf = new Map<string, number>();
  private readonly chunkAt: (StoredChunk | undefined)[] = [];
  private chars = 0;
  /** Chunks added or removed since this catalog was built: how far a snapshot taken then has fallen behind. */
  changedChunks = 0;

  get size(): number {
    return this.lexical.size;
  }

  /** Characters of chunk text held: tells whether the whole workspace fits a model's prompt. */
  get textChars(): number {
    return this.chars;
  }

  /** Adds one file's chunks (all of one path), replacing what the catalog held for that path. */
  addFile(chunks: StoredChunk[]): void {
    this.hold(chunks, this.lexical.addFile(chunks));
    this.changedChunks += chunks.length;
  }

  private hold(chunks: readonly StoredChunk[], slots: readonly number[]): void {
    chunks.forEach((c, i) => {
      this.slotOf.set(c.id, slots[i]);
      this.chunkAt[slots[i]] = c;
      this.chars += c.text.length;
    });
  }

  /**
   * A catalog of the store's files (in the store's order) from a snapshot: a file with `from` (its
   * place in the snapshot's file table) is taken from it, the others are tokenized.
   */
  static restore(state: LexicalState, files: readonly { chunks: StoredChunk[]; from: number }[]): Catalog {
    const catalog = new Catalog();
    const slots = catalog.lexical.restore(state, files);
    files.forEach((f, i) => catalog.hold(f.chunks, slots[i]));
    return catalog;
  }

  exportState(): LexicalState {
    return this.lexical.exportState((c) => (c as StoredChunk).id);
  }

  removeFile(chunks: readonly StoredChunk[]): void {
    if (chunks.length) this.lexical.removeFile(chunks[0].path);
    for (const c of chunks) {
      const slot = this.slotOf.get(c.id);
      if (slot === undefined) continue;
      this.slotOf.delete(c.id);
      this.chunkAt[slot] = undefined;
      this.chars -= c.text.length;
    }
    this.changedChunks += chunks.length;
  }

  replaceFile(previous: readonly StoredChunk[] | undefined, chunks: StoredChunk[]): void {
    if (previous) this.removeFile(previous);
    this.addFile(chunks);
  }

  inSlot(slot: number): StoredChunk | undefined {
    return this.chunkAt[slot];
  }

  byId(id: string): StoredChunk | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.chunkAt[slot];
  }

  *chunks(): IterableIterator<StoredChunk> {
    for (const c of this.chunkAt) if (c) yield c;
  }
}
