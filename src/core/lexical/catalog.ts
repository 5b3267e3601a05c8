import { StoredChunk } from '../store/records';
import { LexicalIndex } from './lexicalIndex';

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

  get size(): number {
    return this.lexical.size;
  }

  /** Characters of chunk text held: tells whether the whole workspace fits a model's prompt. */
  get textChars(): number {
    return this.chars;
  }

  /** Adds one file's chunks (all of one path), replacing what the catalog held for that path. */
  addFile(chunks: StoredChunk[]): void {
    const slots = this.lexical.addFile(chunks);
    chunks.forEach((c, i) => {
      this.slotOf.set(c.id, slots[i]);
      this.chunkAt[slots[i]] = c;
      this.chars += c.text.length;
    });
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
