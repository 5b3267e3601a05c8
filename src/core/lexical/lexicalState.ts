import { Bm25State } from './bm25Index';

/** Which slots define each name (see SymbolTable): per name, `counts[n]` slots in a row. */
export interface SymbolState {
  names: string[];
  counts: Uint32Array;
  slots: Uint32Array;
}

/** The indexed files: per file its path, its slot in the file fields, and its chunks' slots and ids in order. */
export interface FileTableState {
  paths: string[];
  fileSlots: Uint32Array;
  chunkCounts: Uint32Array;
  chunkSlots: Uint32Array;
  chunkIds: string[];
}

/** Everything the lexical index holds, as flat arrays: what a snapshot stores and an open restores. */
export interface LexicalState {
  body: Bm25State;
  titles: Bm25State;
  files: Bm25State;
  paths: Bm25State;
  symbols: SymbolState;
  table: FileTableState;
}

/**
 * Checks that a state read from disk is one the lexical index can restore without reading out of
 * bounds or counting anything twice: every slot within its field, counts adding up, no slot of two
 * files or chunks, no path twice, no slot twice in one term's postings. Throws a reason.
 */
export function checkLexicalState(s: LexicalState): void {
  const chunkSlots = s.body.lengths.length;
  const fileSlots = s.files.lengths.length;
  if (s.titles.lengths.length !== chunkSlots || s.paths.lengths.length !== fileSlots) throw new Error('its fields disagree on the number of slots');
  for (const [name, field] of [['body', s.body], ['titles', s.titles], ['files', s.files], ['paths', s.paths]] as const) checkField(name, field);
  checkRuns('symbols', s.symbols.names, s.symbols.counts, s.symbols.slots, chunkSlots);
  const t = s.table;
  const files = t.paths.length;
  if (t.fileSlots.length !== files || t.chunkCounts.length !== files) throw new Error('its file table is malformed');
  if (sum(t.chunkCounts) !== t.chunkSlots.length || t.chunkIds.length !== t.chunkSlots.length) throw new Error('its file table counts the chunks wrongly');
  checkDistinct('file slots', t.fileSlots, fileSlots);
  checkDistinct('chunk slots', t.chunkSlots, chunkSlots);
  if (new Set(t.paths).size !== files) throw new Error('its file table names a path twice');
}

function checkField(name: string, f: { terms: string[]; counts: Uint32Array; slots: Uint32Array; tfs: Uint16Array; lengths: Uint32Array }): void {
  if (f.tfs.length !== f.slots.length) throw new Error(`its ${name} field is malformed`);
  checkRuns(name, f.terms, f.counts, f.slots, f.lengths.length);
  for (let i = 0; i < f.tfs.length; i++) if (f.tfs[i] === 0 || f.lengths[f.slots[i]] === 0) throw new Error(`its ${name} field counts a term in no document`);
}

/** Runs of slots, one a key: the counts add up, slots in range and once a run (a key given twice is refused on restore). */
function checkRuns(name: string, keys: string[], counts: Uint32Array, slots: Uint32Array, slotCount: number): void {
  if (counts.length !== keys.length || sum(counts) !== slots.length) throw new Error(`its ${name} counts do not add up`);
  const lastRun = new Int32Array(slotCount).fill(-1);
  let at = 0;
  for (let k = 0; k < counts.length; k++) {
    for (const end = at + counts[k]; at < end; at++) {
      const slot = slots[at];
      if (slot >= slotCount) throw new Error(`its ${name} name a slot out of range`);
      if (lastRun[slot] === k) throw new Error(`its ${name} name a slot twice for one term`);
      lastRun[slot] = k;
    }
  }
}

function checkDistinct(name: string, slots: Uint32Array, slotCount: number): void {
  const seen = new Uint8Array(slotCount);
  for (const s of slots) {
    if (s >= slotCount || seen[s]) throw new Error(`its ${name} are out of range or repeated`);
    seen[s] = 1;
  }
}

function sum(a: Uint32Array): number {
  let n = 0;
  for (const v of a) n += v;
  return n;
}
