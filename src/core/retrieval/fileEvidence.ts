import { Bm25Index, topScored } from '../lexical/bm25Index';
import { LexicalIndex } from '../lexical/lexicalIndex';
import { ChunkEvidence, ChunkPool, own, termWeight } from './chunkEvidence';
import { QueryAnalysis } from './queryAnalysis';
import { stepOn } from './rankingSteps';

/** A file's evidence beside its best chunk, part by part. */
export interface FileEvidence {
  fileSlot: number;
  path: string;
  /** Own scores of its matching chunks, best first. */
  chunks: ChunkEvidence[];
  /** Its other matching chunks (decayed): a question spread over a file finds the file. */
  rest: number;
  wholeFile: number;
  pathField: number;
  mentioned: number;
}

export const fileScore = (f: FileEvidence): number => (f.chunks.length ? own(f.chunks[0]) : 0) + f.rest + f.wholeFile + f.pathField + f.mentioned;

/** The next four chunks count less and less: the breadth of a file about the question, without letting size win. */
const REST_DECAY = [0.5, 0.35, 0.25, 0.15];
/** Files brought in by the whole-file field alone (their best chunk may be outside the chunk pool). */
const WHOLE_FILE_CANDIDATES = 30;
const PATH_WEIGHT = 0.3;
/** A file the question names, relative to the best chunk's score. */
const MENTION_WEIGHT = 0.6;

/**
 * How much the whole-file field counts: little for a short question (the one matching chunk should
 * win), up to half a chunk's weight for a long one whose words are spread over the file it is about.
 */
function wholeFileWeight(q: QueryAnalysis): number {
  return 0.1 + 0.4 * Math.min(1, q.length / 80);
}

/** Groups chunk evidence by file and adds the file-level fields and the paths the question mentions. */
export function fileEvidence(index: LexicalIndex, q: QueryAnalysis, pool: ChunkPool, accept: (slot: number) => boolean): FileEvidence[] {
  const chunks = pool.chunks;
  const byFile = new Map<number, FileEvidence>();
  const entry = (fileSlot: number): FileEvidence => {
    let f = byFile.get(fileSlot);
    if (!f) byFile.set(fileSlot, (f = { fileSlot, path: index.file(fileSlot)!.path, chunks: [], rest: 0, wholeFile: 0, pathField: 0, mentioned: 0 }));
    return f;
  };
  for (const c of chunks) entry(index.fileOf(c.slot)).chunks.push(c);
  const weight = termWeight(q);
  const wf = wholeFileWeight(q);
  const fileAccept = (slot: number) => index.file(slot)!.chunkSlots.some(accept);
  const whole = fieldScores(index.files, q.terms, weight);
  if (stepOn('files')) for (const hit of topScored(whole.scores, whole.touched, WHOLE_FILE_CANDIDATES, fileAccept)) entry(hit.slot);
  const best = Math.max(1, ...chunks.map(own));
  const named = stepOn('names') ? mentionedFiles(index, q.paths) : new Set<number>();
  for (const slot of named) if (fileAccept(slot)) entry(slot).mentioned = (MENTION_WEIGHT * best) / Math.sqrt(named.size);
  const files = [...byFile.values()];
  const paths = fieldScores(index.paths, q.terms, weight);
  files.forEach((f) => {
    // A file found by its whole text or its name alone is shown by its best accepted chunk.
    if (f.chunks.length === 0) f.chunks = bestChunk(index.file(f.fileSlot)!.chunkSlots, pool, accept);
    f.chunks.sort((a, b) => own(b) - own(a));
    if (!stepOn('files')) return;
    f.rest = REST_DECAY.reduce((sum, d, k) => sum + d * (f.chunks[k + 1] ? own(f.chunks[k + 1]) : 0), 0);
    f.wholeFile = wf * whole.scores[f.fileSlot];
    f.pathField = stepOn('fields') ? PATH_WEIGHT * paths.scores[f.fileSlot] : 0;
  });
  return files;
}

function bestChunk(slots: readonly number[], pool: ChunkPool, accept: (slot: number) => boolean): ChunkEvidence[] {
  let best: ChunkEvidence | undefined;
  for (const s of slots) {
    if (!accept(s)) continue;
    const e = pool.fieldsOf(s);
    if (!best || own(e) > own(best)) best = e;
  }
  return best ? [best] : [];
}

function fieldScores(field: Bm25Index, terms: string[], weight: (t: string) => number): { scores: Float64Array; touched: number[] } {
  const scores = new Float64Array(field.slotCount);
  const touched: number[] = [];
  field.accumulate(terms, scores, touched, 1, weight);
  return { scores, touched };
}

/**
 * Files whose path a mentioned path ends with (a traceback's `/site-packages/pkg/models.py`) or that
 * end with it (`sessions.py`, `flask/app` for the module `flask.app`), at a folder boundary.
 */
function mentionedFiles(index: LexicalIndex, mentions: readonly string[]): Set<number> {
  const out = new Set<number>();
  if (mentions.length === 0) return out;
  for (const p of index.allPaths()) {
    const lower = p.toLowerCase();
    const stem = lower.replace(/\.[^./]+$/, '');
    const modulePath = stem.replace(/\/(__init__|index|mod)$/, '');
    const hit = mentions.some((m) => endsAtBoundary(m, lower) || endsAtBoundary(lower, m) || endsAtBoundary(stem, m) || endsAtBoundary(modulePath, m));
    if (hit) out.add(index.fileByPath(p)!.slot);
  }
  return out;
}

function endsAtBoundary(whole: string, tail: string): boolean {
  return whole.endsWith(tail) && (whole.length === tail.length || whole[whole.length - tail.length - 1] === '/');
}
