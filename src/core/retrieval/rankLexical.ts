import { LexicalIndex } from '../lexical/lexicalIndex';
import { chunkEvidence, ChunkEvidence, own } from './chunkEvidence';
import { FileEvidence, fileEvidence, fileScore } from './fileEvidence';
import { QueryAnalysis } from './queryAnalysis';
import { asksFor, fileRole, Prior, rolePrior } from './rankingRules';
import { stepOn } from './rankingSteps';

export interface LexicalHit {
  slot: number;
  score: number;
  /** The field or rule that contributed most, and the role rule applied (`defines send; test file ×0.5`). */
  why: string;
  /** Exempt from the per-file cap: the best chunk on its own, or a matching section of a file small enough to be one answer. */
  keepBeyondCap: boolean;
}

/** A file this small (characters, chunks) is one answer: the cap a file does not cut its sections. */
const SMALL_FILE_CHARS = 6000;
const SMALL_FILE_CHUNKS = 8;
/** …for its sections that match at least this share of its best one (the rest would only crowd). */
const SMALL_FILE_SHARE = 0.3;

/**
 * Lexical ranking: chunk fields, definitions and phrases; then file evidence (rest of the file, the
 * whole-file and path fields, paths the question names); then the file's role for this kind of
 * question. A chunk scores its own evidence plus its file's, times the role prior, so the best chunk
 * of the best file comes first and a file's other chunks follow it.
 */
export function rankLexical(index: LexicalIndex, q: QueryAnalysis, limit: number, accept: (slot: number) => boolean): LexicalHit[] {
  if (q.terms.length === 0 && q.identifiers.length === 0) return [];
  const pool = chunkEvidence(index, q, limit, accept);
  const files = fileEvidence(index, q, pool, accept);
  const asks = asksFor(q);
  const bestOwn = Math.max(0, ...pool.chunks.map(own));
  const hits: LexicalHit[] = [];
  for (const f of files) {
    if (f.chunks.length === 0) continue;
    const prior: Prior = f.mentioned > 0 || !stepOn('roles') ? { factor: 1, reason: '' } : rolePrior(fileRole(f.path), q, asks);
    const context = fileScore(f) - own(f.chunks[0]);
    const entry = index.file(f.fileSlot)!;
    const small = entry.chars <= SMALL_FILE_CHARS && entry.chunkSlots.length <= SMALL_FILE_CHUNKS;
    f.chunks.forEach((c, i) => {
      const score = prior.factor * (own(c) + context);
      if (score <= 0) return;
      const why = [explain(c, i === 0 ? f : undefined), prior.reason].filter(Boolean).join('; ');
      const keep = stepOn('cap') && ((small && own(c) >= SMALL_FILE_SHARE * own(f.chunks[0])) || own(c) >= bestOwn);
      hits.push({ slot: c.slot, score, why, keepBeyondCap: keep });
    });
  }
  return hits.sort((a, b) => b.score - a.score || a.slot - b.slot).slice(0, limit);
}

/** The largest part of a chunk's score (the file's parts only for the chunk that leads its file). */
function explain(c: ChunkEvidence, f: FileEvidence | undefined): string {
  const parts: [string, number][] = [
    ['text match', c.body],
    ['title match', c.title],
    [`defines ${c.defined?.replace(/^§/, '"')}${c.defined?.startsWith('§') ? '"' : ''}`, c.defines],
    ['phrase match', c.phrase],
  ];
  if (f) parts.push(['rest of the file matches', f.rest], ['whole file matches', f.wholeFile], ['path matches', f.pathField], ['path mentioned', f.mentioned]);
  parts.sort((a, b) => b[1] - a[1]);
  return parts[0][1] > 0 ? parts[0][0] : '';
}
