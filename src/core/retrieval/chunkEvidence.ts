import { topScored } from '../lexical/bm25Index';
import { HEADING_MARK, normalizeTerm } from '../lexical/definedSymbols';
import { LexicalIndex } from '../lexical/lexicalIndex';
import { tokenize } from '../lexical/tokenize';
import { QueryAnalysis } from './queryAnalysis';
import { stepOn } from './rankingSteps';

/** A chunk's score, part by part, so `--explain` can say which part carried it. */
export interface ChunkEvidence {
  slot: number;
  body: number;
  title: number;
  defines: number;
  /** The name whose definition this is, when `defines` > 0. */
  defined?: string;
  phrase: number;
}

export const own = (e: ChunkEvidence): number => e.body + e.title + e.defines + e.phrase;

/** A title match counts this much beyond the title's words in the body (BM25F-style field weight). */
const TITLE_WEIGHT = 0.25;
/** The definition of a name the question uses, relative to the best chunk's field score. */
const DEFINITION_WEIGHT = 1;
/** A name defined in more places than this is too common to point at one. */
const MAX_DEFINITIONS = 12;
/** Words of the question next to each other in a chunk, relative to their BM25 weight. */
const PHRASE_WEIGHT = 0.25;
/** Chunks checked for phrases: only the leaders can be reordered by them. */
const PHRASE_CANDIDATES = 40;

/** Weight of a query term: a report that repeats a word is about it (1 + ln tf, as in BM25's query side). */
export function termWeight(q: QueryAnalysis): (term: string) => number {
  return (t) => 1 + Math.log(q.counts.get(t) ?? 1);
}

/**
 * Field scores (body and title) of the best `limit` accepted chunks, plus every accepted chunk that
 * defines a name the question uses, with their definition and phrase bonuses.
 */
export interface ChunkPool {
  chunks: ChunkEvidence[];
  /** Field evidence of any chunk, pooled or not (no phrase or definition bonus). */
  fieldsOf(slot: number): ChunkEvidence;
}

export function chunkEvidence(index: LexicalIndex, q: QueryAnalysis, limit: number, accept: (slot: number) => boolean): ChunkPool {
  const n = index.body.slotCount;
  const combined = new Float64Array(n);
  const title = new Float64Array(n);
  const touched: number[] = [];
  const weight = termWeight(q);
  index.body.accumulate(q.terms, combined, touched, 1, weight);
  const titleTouched: number[] = [];
  if (stepOn('fields')) index.titles.accumulate(q.terms, title, titleTouched, TITLE_WEIGHT, weight);
  for (const s of titleTouched) {
    if (combined[s] === 0) touched.push(s);
    combined[s] += title[s];
  }
  const top = topScored(combined, touched, limit, accept);
  const best = top.length ? top[0].score : 1;
  const evidence = new Map<number, ChunkEvidence>();
  for (const t of top) evidence.set(t.slot, { slot: t.slot, body: t.score - title[t.slot], title: title[t.slot], defines: 0, phrase: 0 });
  const fieldsOf = (slot: number): ChunkEvidence => ({ slot, body: combined[slot] - title[slot], title: title[slot], defines: 0, phrase: 0 });
  if (stepOn('names')) addDefinitions(index, q, evidence, best, accept, fieldsOf);
  if (stepOn('fields')) addPhrases(index, q, [...evidence.values()], (s) => chunkText(index, s));
  return { chunks: [...evidence.values()], fieldsOf };
}

/** The chunks defining a name the question uses; a qualified name (`Session.send`) counts fully, a bare one less. */
function addDefinitions(
  index: LexicalIndex,
  q: QueryAnalysis,
  evidence: Map<number, ChunkEvidence>,
  best: number,
  accept: (slot: number) => boolean,
  fieldsOf: (slot: number) => ChunkEvidence,
): void {
  const names = [...q.identifiers.map((id) => ({ id, weight: id.includes('.') ? 1 : 0.7 })), ...headingTerms(q).map((id) => ({ id: HEADING_MARK + id, weight: 0.4 }))];
  const found = names.map((nm) => ({ ...nm, slots: index.symbols.lookup(nm.id) })).filter((nm) => nm.slots.size > 0 && nm.slots.size <= MAX_DEFINITIONS);
  if (found.length === 0) return;
  // Many names in one report (a traceback) share the emphasis; one named symbol gets all of it
  // (`Session.send` and its `send` are one name).
  const families = new Set(found.map((nm) => nm.id.slice(nm.id.lastIndexOf('.') + 1)));
  const share = (DEFINITION_WEIGHT * best) / Math.sqrt(families.size);
  for (const nm of found) {
    for (const slot of nm.slots) {
      if (!accept(slot)) continue;
      const e = evidence.get(slot) ?? fieldsOf(slot);
      const bonus = share * nm.weight;
      if (bonus > e.defines) {
        e.defines = bonus;
        e.defined = nm.id;
      }
      evidence.set(slot, e);
    }
  }
}

/** Runs of one to three words of the question, as a heading that defines a term would read. */
function headingTerms(q: QueryAnalysis): string[] {
  const words = normalizeTerm(q.text).split(' ').filter(Boolean);
  if (words.length > 40) return [];
  const out = new Set<string>();
  for (let len = 1; len <= 3; len++) {
    for (let i = 0; i + len <= words.length; i++) {
      const term = words.slice(i, i + len).join(' ');
      if (term.length >= 4 && tokenize(term).length > 0) out.add(term);
    }
  }
  return [...out];
}

/** Adds a bonus for each pair of the question's words that also stand next to each other in the chunk. */
function addPhrases(index: LexicalIndex, q: QueryAnalysis, evidence: ChunkEvidence[], textOf: (slot: number) => string): void {
  const pairs = wordPairs(q.text);
  if (pairs.size === 0) return;
  const leaders = [...evidence].sort((a, b) => own(b) - own(a)).slice(0, PHRASE_CANDIDATES);
  for (const e of leaders) {
    let bonus = 0;
    const seen = new Set<string>();
    for (const pair of adjacentPairs(wordKeys(textOf(e.slot)))) {
      const weight = pairs.get(pair);
      if (weight === undefined || seen.has(pair)) continue;
      seen.add(pair);
      bonus += weight;
    }
    e.phrase = PHRASE_WEIGHT * bonus;
  }

  function wordPairs(text: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const pair of adjacentPairs(wordKeys(text))) {
      const [a, b] = pair.split(' ');
      out.set(pair, (index.body.idf(a) + index.body.idf(b)) / 2);
    }
    return out;
  }
}

/** Each word's main token (its whole form), stopwords dropped, so "index is stored" gives `index stor`. */
function wordKeys(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}_$]+/gu)) {
    const t = tokenize(m[0]);
    if (t.length) out.push(t[0]);
  }
  return out;
}

function adjacentPairs(keys: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < keys.length; i++) if (keys[i] !== keys[i + 1]) out.push(`${keys[i]} ${keys[i + 1]}`);
  return out;
}

function chunkText(index: LexicalIndex, slot: number): string {
  return index.chunk(slot)?.text ?? '';
}
