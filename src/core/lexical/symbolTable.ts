/**
 * Where each symbol is defined: name (lowercased, bare or qualified) → the chunk slots defining it.
 * Built as chunks are indexed, so a question naming `resolve_redirects` can find its definition
 * without scoring every chunk that merely mentions it.
 */
export class SymbolTable {
  private readonly slotsOf = new Map<string, Set<number>>();

  add(slot: number, names: readonly string[]): void {
    for (const n of names) {
      let s = this.slotsOf.get(n);
      if (!s) this.slotsOf.set(n, (s = new Set()));
      s.add(slot);
    }
  }

  remove(slot: number, names: readonly string[]): void {
    for (const n of names) {
      const s = this.slotsOf.get(n);
      if (!s) continue;
      s.delete(slot);
      if (s.size === 0) this.slotsOf.delete(n);
    }
  }

  /** Slots defining `name` (lowercased); empty when nothing does. */
  lookup(name: string): ReadonlySet<number> {
    return this.slotsOf.get(name.toLowerCase()) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<number> = new Set();
