import { SymbolState } from './lexicalState';

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

  /** Removes slots whose names are no longer known (every name is looked at). */
  removeUnknown(slots: readonly number[]): void {
    for (const [name, set] of this.slotsOf) {
      for (const slot of slots) set.delete(slot);
      if (set.size === 0) this.slotsOf.delete(name);
    }
  }

  exportState(): SymbolState {
    const names = [...this.slotsOf.keys()];
    const counts = Uint32Array.from(names, (n) => this.slotsOf.get(n)!.size);
    const slots: number[] = [];
    for (const set of this.slotsOf.values()) for (const s of set) slots.push(s);
    return { names, counts, slots: Uint32Array.from(slots) };
  }

  /**
   * Adds a snapshot's names, each slot renumbered by `slotOf` (-1: left out). Each name's slots end up
   * in ascending order, the order a table built chunk by chunk has, so lookups iterate alike.
   */
  restore(state: SymbolState, slotOf: Int32Array): void {
    let at = 0;
    state.names.forEach((name, n) => {
      const slots: number[] = [];
      for (const end = at + state.counts[n]; at < end; at++) if (slotOf[state.slots[at]] >= 0) slots.push(slotOf[state.slots[at]]);
      if (slots.length === 0) return;
      const known = this.slotsOf.get(name);
      if (known) slots.push(...known);
      this.slotsOf.set(name, new Set(slots.sort((a, b) => a - b)));
    });
  }

  /** Slots defining `name` (lowercased); empty when nothing does. */
  lookup(name: string): ReadonlySet<number> {
    return this.slotsOf.get(name.toLowerCase()) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<number> = new Set();
