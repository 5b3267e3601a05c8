import picomatch from 'picomatch';
import { abortError } from '../abortError';
import { chunkFile } from '../chunk/chunkFile';
import { CodeChunkFn } from '../chunk/codeChunkFn';
import { GroundedConfig } from '../config';
import { PathFilter } from '../discovery/pathFilter';
import { normalizeRel } from '../discovery/relPath';
import { Embedder } from '../embed/embedder';
import { errorText } from '../errorText';
import { Catalog } from '../lexical/catalog';
import { chunkTokens } from '../lexical/lexicalIndex';
import { sha1 } from '../store/identity';
import { DenseVectors } from '../store/indexStore';
import { chunkId, StoredChunk } from '../store/records';
import { collapseRanked } from './collapse';
import { addCandidates, reciprocalRankFusion } from './fusion';
import { analyseQuery, QueryAnalysis } from './queryAnalysis';
import { rankLexical } from './rankLexical';
import { withRelevance } from './relevance';
import { QueryOptions, SearchResult } from './types';

/** What a search reads: the catalog, the store's vectors, and how unsaved editors' text is chunked. */
export interface SearchContext {
  catalog: Catalog;
  vectors?: DenseVectors;
  embedder?: Embedder;
  filter: PathFilter;
  config: GroundedConfig;
  chunkCode: CodeChunkFn;
  log: (message: string) => void;
}

/** A candidate chunk on its way to the results, with why it ranked where it did. */
interface Ranked {
  chunk: StoredChunk;
  score: number;
  why?: string;
  keepBeyondCap?: boolean;
}

/** How long a query waits for its own embedding before answering with lexical results only. */
const QUERY_EMBED_TIMEOUT_MS = 4000;

/** Ranked chunks for a question: lexical, fused with dense when an embedder is set, collapsed and grouped. */
export async function search(ctx: SearchContext, text: string, opts: QueryOptions = {}): Promise<SearchResult[]> {
  const topK = opts.topK ?? 10;
  const pool = Math.max(100, topK * 10);
  const live = new Map((opts.liveFiles ?? []).map((f) => [normalizeRel(f.path), f.text]));
  const accept = acceptFilter(opts, live);
  const lexical = await lexicalCandidates(ctx, text, opts, pool, live, accept);
  if (opts.signal?.aborted) throw abortError();
  let ranked = await fuseDense(ctx, text, lexical, pool, accept, opts.signal);
  if (opts.includeAll) ranked = withTheRest(ctx.catalog, ranked, accept);
  const collapsed = collapseRanked(
    // A cap the caller sets is hard (a hover wants distinct files); the default one spares a small file's sections.
    ranked.map((r) => ({ ...r, keepBeyondCap: opts.perFile === undefined && r.keepBeyondCap, id: r.chunk.id, path: r.chunk.path, startLine: r.chunk.startLine, endLine: r.chunk.endLine, hash: r.chunk.hash })),
    topK,
    opts.includeAll ? Number.MAX_SAFE_INTEGER : (opts.perFile ?? 3),
  );
  return withRelevance(collapsed.map((r) => searchResult(r, live.has(r.chunk.path))));
}

/** The filters a chunk must pass; indexed chunks of a file open unsaved are replaced by its live text. */
function acceptFilter(opts: QueryOptions, live: Map<string, string>): (c: { path: string; kind: string }) => boolean {
  const globs = opts.pathGlobs?.length ? picomatch(opts.pathGlobs, { dot: true }) : undefined;
  // A filter that rejects most chunks is asked of nearly every one (the dense scan has no other
  // way to fill its top k): a glob is matched once a file, not once a chunk.
  const pathVerdicts = new Map<string, boolean>();
  const pathOk = globs && ((p: string) => pathVerdicts.get(p) ?? pathVerdicts.set(p, globs(p)).get(p)!);
  return (c) => !live.has(c.path) && (!opts.kinds || opts.kinds.includes(c.kind as never)) && (!pathOk || pathOk(c.path));
}

function searchResult({ chunk, score, why }: Ranked, unsaved: boolean): Omit<SearchResult, 'relevance'> {
  return {
    path: chunk.path,
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    title: chunk.title,
    kind: chunk.kind,
    language: chunk.language,
    score: Math.round(score * 10000) / 10000,
    text: chunk.text,
    ...(chunk.page !== undefined ? { page: chunk.page } : {}),
    ...(chunk.cell !== undefined ? { cell: chunk.cell } : {}),
    ...(why ? { why } : {}),
    ...(unsaved ? { unsaved: true } : {}),
  };
}

/** Lexical candidates, best first: the indexed chunks, unsaved editors' chunks, and what a model's rewrite adds. */
async function lexicalCandidates(ctx: SearchContext, text: string, opts: QueryOptions, pool: number, live: Map<string, string>, accept: (c: StoredChunk) => boolean): Promise<Ranked[]> {
  const analysis = analyseQuery(text);
  const rank = (q: QueryAnalysis) =>
    rankLexical(ctx.catalog.lexical, q, pool, (slot) => accept(ctx.catalog.inSlot(slot)!)).map((h) => ({ ...h, chunk: ctx.catalog.inSlot(h.slot)! }));
  const liveChunks = await liveCandidates(ctx, live, analysis.terms, opts);
  const plain: Ranked[] = [...rank(analysis), ...liveChunks].sort((a, b) => b.score - a.score);
  // A model's rewrite of the question can only add candidates to the plain question's.
  return opts.rewrite ? addCandidates(plain, rank(analyseQuery(opts.rewrite)), (r) => r.chunk.id) : plain;
}

/** Lexical and dense candidates fused by rank, when the index has vectors and the query got one. */
async function fuseDense(ctx: SearchContext, text: string, lexical: Ranked[], pool: number, accept: (c: StoredChunk) => boolean, signal?: AbortSignal): Promise<Ranked[]> {
  const vectors = ctx.vectors;
  const qv = ctx.embedder && vectors && vectors.size > 0 ? await queryVector(ctx, text, signal) : undefined;
  if (!vectors || !qv) return lexical;
  const dense = vectors.search(qv, pool, (id) => {
    const c = ctx.catalog.byId(id);
    return !!c && accept(c);
  });
  const byId = new Map<string, StoredChunk>();
  for (const r of lexical) byId.set(r.chunk.id, r.chunk);
  for (const d of dense) byId.set(d.id, ctx.catalog.byId(d.id)!);
  const fused = reciprocalRankFusion([lexical.map((r) => r.chunk.id), dense.map((d) => d.id)]);
  const lexicalOf = new Map(lexical.map((r) => [r.chunk.id, r]));
  return [...fused].map(([id, score]) => ({ ...lexicalOf.get(id), chunk: byId.get(id)!, score }));
}

/** Every other chunk that passes the filters, in path order, after the ranked ones. */
function withTheRest(catalog: Catalog, ranked: Ranked[], accept: (c: StoredChunk) => boolean): Ranked[] {
  const seen = new Set(ranked.map((r) => r.chunk.id));
  const rest = [...catalog.chunks()].filter((c) => !seen.has(c.id) && accept(c));
  rest.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine));
  return [...ranked, ...rest.map((chunk) => ({ chunk, score: 0 }))];
}

/** The query's vector, or undefined (lexical results only) when the endpoint fails; the failure is logged. */
async function queryVector(ctx: SearchContext, text: string, signal?: AbortSignal): Promise<number[] | undefined> {
  // A question must not wait out the endpoint's retry budget: past a few seconds, lexical results go alone.
  const timeout = AbortSignal.timeout(QUERY_EMBED_TIMEOUT_MS);
  try {
    return (await ctx.embedder!.embed([text], signal ? AbortSignal.any([signal, timeout]) : timeout))[0];
  } catch (err) {
    if (signal?.aborted) throw err;
    ctx.log(`Dense retrieval unavailable, using lexical results only: ${errorText(err)}`);
    return undefined;
  }
}

/** Chunks of unsaved editors, scored against the index's statistics so they rank beside indexed ones. */
async function liveCandidates(ctx: SearchContext, live: Map<string, string>, terms: string[], opts: QueryOptions): Promise<Ranked[]> {
  const out: Ranked[] = [];
  for (const [rel, text] of live) {
    if (ctx.filter.checkPath(rel)) continue;
    const chunks = await chunkFile(rel, text, { maxTokens: ctx.config.chunkTokens }, ctx.chunkCode);
    for (const [ordinal, c] of chunks.entries()) {
      if (opts.kinds && !opts.kinds.includes(c.kind)) continue;
      const hash = sha1(c.text);
      const chunk: StoredChunk = { ...c, hash, id: `live:${chunkId(rel, ordinal, c.startLine, hash)}` };
      const score = ctx.catalog.lexical.body.scoreExternal(chunkTokens(chunk), terms);
      if (score > 0) out.push({ chunk, score, why: 'unsaved editor' });
    }
  }
  return out;
}
