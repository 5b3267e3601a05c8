import { runAtOnce, Steps } from '../steps';

/**
 * An in-memory BM25 inverted index over numbered document slots.
 *
 * Removal marks a slot dead and fixes the statistics at once; postings of dead slots are dropped
 * lazily (when a term is next scored) so that removing one file never walks the whole index.
 * The caller passes a removed document's tokens again, so no per-document term list is kept in memory.
 */

interface Postings {
  /**
   * `slot * TF_SPAN + tf` each: one array of unboxed doubles, half the memory of a slot array beside a
   * tf array (the postings are most of the lexical index's memory).
   */
  entries: number[];
  /** Entries restored from a snapshot: `[start, end)` of the snapshot's arrays, read in place. */
  start: number;
  end: number;
  /** How many entries point at dead slots; the list is compacted once they dominate. */
  dead: number;
  /** Live documents holding the term. */
  df: number;
}

/** A term counted more often than this in one chunk counts this often: BM25 saturates long before. */
export const TF_SPAN = 65536;

/**
 * A field's postings as stored (see lexicalSnapshot.ts): per term, `counts[t]` entries of `slots` and
 * `tfs` in a row; `lengths[slot]` each slot's token count (0 for a slot no live document holds).
 */
export interface Bm25State {
  terms: string[];
  counts: Uint32Array;
  slots: Uint32Array;
  tfs: Uint16Array;
  lengths: Uint32Array;
}

export interface Bm25Params {
  k1: number;
  b: number;
}

export interface ScoredSlot {
  slot: number;
  score: number;
}

export class Bm25Index {
  /** Terms added, removed or searched since the index was built or restored. */
  private readonly postings = new Map<string, Postings>();
  /**
   * Terms restored from a snapshot and not touched since: their run of the snapshot's arrays and
   * document frequency in typed arrays, an object made only when a term is first used (an open of a
   * large index otherwise made one for each of hundreds of thousands of terms).
   */
  private readonly untouched = new Map<string, number>();
  private untouchedStart = new Uint32Array(0);
  private untouchedEnd = new Uint32Array(0);
  private untouchedDf = new Uint32Array(0);
  private readonly lengths: number[] = [];
  private readonly alive: boolean[] = [];
  /**
   * Postings restored from a snapshot, read where the snapshot holds them (no copy): its slots, with
   * `slotOf` from its slot numbers to this index's (-1: a document not taken from it), and its term
   * frequencies. Shared by every term's `[start, end)`.
   */
  private restoredSlots: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  private restoredTfs: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
  private slotOf: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private liveDocs = 0;
  private scratch = new Float64Array(1024);
  private totalLength = 0;

  constructor(private readonly params: Bm25Params = { k1: 1.2, b: 0.75 }) {}

  get size(): number {
    return this.liveDocs;
  }

  /** Adds a document and returns its slot. */
  add(tokens: readonly string[]): number {
    const slot = this.open(tokens.length);
    for (const [term, tf] of countTerms(tokens)) {
      let p = this.get(term);
      if (!p) this.postings.set(term, (p = newPostings()));
      if (p.entries === NO_ENTRIES) p.entries = [];
      p.entries.push(slot * TF_SPAN + Math.min(tf, TF_SPAN - 1));
      p.df++;
    }
    return slot;
  }

  /** A new live slot of `length` tokens, its postings added by the caller. */
  private open(length: number): number {
    const slot = this.lengths.length;
    this.lengths[slot] = length;
    this.alive[slot] = true;
    this.liveDocs++;
    this.totalLength += length;
    return slot;
  }

  /** Removes a document; `tokens` must be the ones it was added with. */
  remove(slot: number, tokens: readonly string[]): void {
    if (!this.alive[slot]) return;
    this.alive[slot] = false;
    this.liveDocs--;
    this.totalLength -= this.lengths[slot];
    for (const term of new Set(tokens)) {
      const p = this.get(term);
      if (!p) continue;
      if (--p.df <= 0) this.postings.delete(term);
      else p.dead++;
    }
    // Slots are never reused: a postings list not yet compacted may still name this one.
  }

  /**
   * Removes documents whose tokens are no longer known: every term's postings are searched for them
   * (one pass over the index, for the rare file whose text was lost before it could be removed).
   */
  removeUnknown(slots: readonly number[]): void {
    const gone = new Set<number>();
    for (const slot of slots) {
      if (!this.alive[slot]) continue;
      this.alive[slot] = false;
      this.liveDocs--;
      this.totalLength -= this.lengths[slot];
      gone.add(slot);
    }
    if (gone.size === 0) return;
    this.touchAll();
    for (const [term, p] of this.postings) {
      let n = 0;
      for (let i = p.start; i < p.end; i++) if (gone.has(this.restoredSlot(i))) n++;
      for (const e of p.entries) if (gone.has(Math.floor(e / TF_SPAN))) n++;
      if (n === 0) continue;
      p.df -= n;
      if (p.df <= 0) this.postings.delete(term);
      else p.dead += n;
    }
  }

  /** Slots ever used (live or dead): the length an accumulator over this index's slots needs. */
  get slotCount(): number {
    return this.lengths.length;
  }

  /** The best `limit` live slots for the query terms that pass `accept`, best first. */
  search(terms: readonly string[], limit: number, accept?: (slot: number) => boolean, weightOf?: (term: string) => number): ScoredSlot[] {
    if (this.liveDocs === 0 || terms.length === 0) return [];
    // Dense accumulators over slots: a Map per query was most of the query time on large indexes.
    if (this.scratch.length < this.lengths.length) this.scratch = new Float64Array(Math.max(this.lengths.length, this.scratch.length * 2));
    const scores = this.scratch;
    const touched: number[] = [];
    this.accumulate(terms, scores, touched, 1, weightOf);
    const result = topScored(scores, touched, limit, accept);
    for (const slot of touched) scores[slot] = 0;
    return result;
  }

  /**
   * Adds `factor` × each live slot's BM25 for the terms into `scores` (indexed by slot, at least
   * `slotCount` long), pushing a slot onto `touched` the first time it moves from 0. Several fields
   * sharing slot numbers add into one accumulator this way. `weightOf` weights a term (default 1).
   */
  accumulate(terms: readonly string[], scores: Float64Array, touched: number[], factor = 1, weightOf?: (term: string) => number): void {
    if (this.liveDocs === 0) return;
    const avgdl = this.totalLength / this.liveDocs || 1;
    for (const term of new Set(terms)) {
      const p = this.get(term);
      if (!p) continue;
      if (p.dead > (p.end - p.start + p.entries.length) / 2) this.compact(p);
      const df = p.df;
      const idf = factor * (weightOf ? weightOf(term) : 1) * Math.log(1 + (this.liveDocs - df + 0.5) / (df + 0.5));
      this.scoreRestored(p.start, p.end, idf, avgdl, scores, touched);
      this.scoreEntries(p.entries, idf, avgdl, scores, touched);
    }
  }

  private scoreEntries(entries: readonly number[], idf: number, avgdl: number, scores: Float64Array, touched: number[]): void {
    for (const e of entries) {
      const slot = Math.floor(e / TF_SPAN);
      if (this.alive[slot]) this.addScore(slot, e - slot * TF_SPAN, idf, avgdl, scores, touched);
    }
  }

  private scoreRestored(from: number, to: number, idf: number, avgdl: number, scores: Float64Array, touched: number[]): void {
    const { restoredSlots, restoredTfs, slotOf } = this;
    for (let i = from; i < to; i++) {
      const slot = slotOf[restoredSlots[i]];
      if (slot >= 0 && this.alive[slot]) this.addScore(slot, restoredTfs[i], idf, avgdl, scores, touched);
    }
  }

  private addScore(slot: number, tf: number, idf: number, avgdl: number, scores: Float64Array, touched: number[]): void {
    const { k1, b } = this.params;
    const norm = tf + k1 * (1 - b + (b * this.lengths[slot]) / avgdl);
    if (scores[slot] === 0) touched.push(slot);
    scores[slot] += (idf * (tf * (k1 + 1))) / norm;
  }

  /** This index's slot of restored entry `i` (-1: its document was not taken from the snapshot). */
  private restoredSlot(i: number): number {
    return this.slotOf[this.restoredSlots[i]];
  }

  /** Inverse document frequency of a term in this index (0 for a term no document has). */
  idf(term: string): number {
    const df = this.get(term)?.df ?? 0;
    return df === 0 ? 0 : Math.log(1 + (this.liveDocs - df + 0.5) / (df + 0.5));
  }

  /** BM25 of a document outside the index, with the index's document frequencies and lengths. */
  scoreExternal(docTokens: readonly string[], terms: readonly string[]): number {
    const { k1, b } = this.params;
    const docs = Math.max(this.liveDocs, 1);
    const avgdl = this.totalLength / docs || docTokens.length || 1;
    const counts = countTerms(docTokens);
    let score = 0;
    for (const term of new Set(terms)) {
      const tf = counts.get(term);
      if (!tf) continue;
      const df = this.get(term)?.df ?? 0;
      const idf = Math.log(1 + (docs - df + 0.5) / (df + 0.5));
      score += (idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * docTokens.length) / avgdl));
    }
    return score;
  }

  private compact(p: Postings): void {
    const kept: number[] = [];
    this.forEachLive(p, (slot, tf) => kept.push(slot * TF_SPAN + tf));
    p.entries = kept;
    p.start = p.end = 0;
    p.dead = 0;
  }

  /**
   * The live postings and slot lengths, for a snapshot: dead slots' entries are left out. Counted
   * first and written straight into typed arrays: growing plain arrays of every posting of a large
   * index first cost more memory than the whole cold run that built it.
   */
  exportState(): Bm25State {
    return runAtOnce(this.exportSteps());
  }

  /**
   * The export in steps of a few milliseconds (see `runSliced`): a large index's export took half a
   * second on the engine's thread in one go. Nothing may change the index between steps.
   */
  *exportSteps(): Steps<Bm25State> {
    const all = [...this.allPostings()];
    const terms = all.map(([term]) => term);
    const counts = new Uint32Array(terms.length);
    let total = 0;
    for (let t = 0; t < all.length; t++) {
      this.forEachLive(all[t][1], () => counts[t]++);
      total += counts[t];
      if (t % STEP_TERMS === 0) yield;
    }
    const slots = new Uint32Array(total);
    const tfs = new Uint16Array(total);
    let at = 0;
    for (let t = 0; t < all.length; t++) {
      this.forEachLive(all[t][1], (slot, tf) => {
        slots[at] = slot;
        tfs[at++] = tf;
      });
      if (t % STEP_TERMS === 0) yield;
    }
    if (at !== total) throw new Error('the index changed while it was exported');
    const lengths = Uint32Array.from(this.lengths, (n, slot) => (this.alive[slot] ? n : 0));
    return { terms, counts, slots, tfs, lengths };
  }

  /** Every term's postings; a restored term not used since is shown as a passing view (no object is kept). */
  private *allPostings(): IterableIterator<[string, Postings]> {
    yield* this.postings;
    for (const [term, t] of this.untouched) yield [term, this.untouchedView(t)];
  }

  private untouchedView(t: number): Postings {
    const [start, end, df] = [this.untouchedStart[t], this.untouchedEnd[t], this.untouchedDf[t]];
    return { entries: NO_ENTRIES, start, end, dead: end - start - df, df };
  }

  /** Each entry of a term's postings whose slot is alive, restored ones first, in order. */
  private forEachLive(p: Postings, fn: (slot: number, tf: number) => void): void {
    for (let i = p.start; i < p.end; i++) {
      const slot = this.restoredSlot(i);
      if (slot >= 0 && this.alive[slot]) fn(slot, this.restoredTfs[i]);
    }
    for (const e of p.entries) {
      const slot = Math.floor(e / TF_SPAN);
      if (this.alive[slot]) fn(slot, e - slot * TF_SPAN);
    }
  }

  /**
   * Takes slot `from` of a snapshot's state as this index's next slot (live, with its length); its
   * postings come with `restorePostings`. Returns the new slot.
   */
  adoptSlot(state: Bm25State, from: number): number {
    return this.open(state.lengths[from]);
  }

  /**
   * Adds a snapshot's postings, each slot renumbered by `slotOf` (-1: a slot not adopted, left out).
   * Called once, after every slot was adopted or added: entries then count as this index's own.
   */
  restorePostings(state: Bm25State, slotOf: Int32Array): void {
    [this.restoredSlots, this.restoredTfs, this.slotOf] = [state.slots, state.tfs, slotOf];
    this.untouchedStart = new Uint32Array(state.terms.length);
    this.untouchedEnd = new Uint32Array(state.terms.length);
    this.untouchedDf = new Uint32Array(state.terms.length);
    // Every document of the snapshot taken (the usual open): a term's frequency is its count.
    const everyOne = state.lengths.every((length, slot) => length === 0 || slotOf[slot] >= 0);
    // One map operation a term, no allocation: this loop runs for every term of the index on open.
    const tokenized = this.postings.size > 0;
    let end = 0;
    for (let t = 0; t < state.terms.length; t++) {
      const start = end;
      end += state.counts[t];
      let df = end - start;
      if (!everyOne) for (let i = start; i < end; i++) if (slotOf[state.slots[i]] < 0) df--;
      if (df > 0) this.restoreTerm(state.terms[t], t, start, end, df, tokenized);
    }
  }

  private restoreTerm(term: string, t: number, start: number, end: number, df: number, tokenized: boolean): void {
    const p = tokenized ? this.postings.get(term) : undefined;
    if (p) {
      // A term of a file tokenized on open: its postings and the snapshot's are one list.
      if (p.end > 0) throw new Error('its postings name a term twice');
      p.start = start;
      p.end = end;
      p.df += df;
      p.dead += end - start - df;
      return;
    }
    const known = this.untouched.size;
    this.untouched.set(term, t);
    if (this.untouched.size === known) throw new Error('its postings name a term twice');
    this.untouchedStart[t] = start;
    this.untouchedEnd[t] = end;
    this.untouchedDf[t] = df;
  }

  /** A term's postings, made into an object the first time a restored term is used. */
  private get(term: string): Postings | undefined {
    const p = this.postings.get(term);
    if (p) return p;
    const t = this.untouched.get(term);
    if (t === undefined) return undefined;
    this.untouched.delete(term);
    const made = this.untouchedView(t);
    this.postings.set(term, made);
    return made;
  }

  /** Every restored term as an object: before a walk over all terms (an export, a removal of unknown text). */
  private touchAll(): void {
    for (const term of [...this.untouched.keys()]) this.get(term);
  }
}

const NO_ENTRIES: number[] = [];
/** Terms an export step covers: a few milliseconds of work. */
const STEP_TERMS = 20000;


function newPostings(): Postings {
  return { entries: NO_ENTRIES, start: 0, end: 0, dead: 0, df: 0 };
}

function countTerms(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** The best `limit` touched slots: a bounded min-heap, so a query over many matches does not sort them all. */
export function topScored(scores: Float64Array, touched: number[], limit: number, accept?: (slot: number) => boolean): ScoredSlot[] {
  const heap: ScoredSlot[] = [];
  const worse = (a: ScoredSlot, b: ScoredSlot) => a.score < b.score || (a.score === b.score && a.slot > b.slot);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l], heap[m])) m = l;
      if (r < heap.length && worse(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (const slot of touched) {
    const item = { slot, score: scores[slot] };
    if (heap.length === limit && !worse(heap[0], item)) continue;
    if (accept && !accept(slot)) continue;
    if (heap.length < limit) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!worse(heap[i], heap[parent])) break;
        [heap[i], heap[parent]] = [heap[parent], heap[i]];
        i = parent;
      }
    } else {
      heap[0] = item;
      siftDown(0);
    }
  }
  return heap.sort((x, y) => y.score - x.score || x.slot - y.slot);
}

