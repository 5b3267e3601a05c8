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

/**
 * A candidate chunk on its way to the results, with why it ranked where it did. Its chunk is read
 * when first asked for (from disk, in an index without vectors): only for those the results show.
 */
interface Ranked {
  id: string;
  path: string;
  score: number;
  why?: string;
  keepBeyondCap?: boolean;
  chunk: () => StoredChunk | undefined;
}

/** A chunk read once, when first asked for. */
function once(read: () => StoredChunk | undefined): () => StoredChunk | undefined {
  let chunk: StoredChunk | undefined;
  return () => (chunk ??= read());
}

function holding(chunk: StoredChunk): () => StoredChunk {
  return () => chunk;
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
    ranked.map((r) => ({ ...r, keepBeyondCap: opts.perFile === undefined && r.keepBeyondCap })),
    topK,
    opts.includeAll ? Number.MAX_SAFE_INTEGER : (opts.perFile ?? 3),
    (r) => r.chunk(),
  );
  return withRelevance(
    collapsed.flatMap((r) => {
      const chunk = r.chunk();
      return chunk ? [searchResult(chunk, r, live.has(chunk.path))] : [];
    }),
  );
}

/** The filters a chunk must pass; indexed chunks of a file open unsaved are replaced by its live text. */
interface Accept {
  (c: { path: string; kind: string }): boolean;
  /** The same filter on a lexical slot: its chunk is read only when the kind matters. */
  slot(catalog: Catalog, slot: number): boolean;
}

function acceptFilter(opts: QueryOptions, live: Map<string, string>): Accept {
  const globs = opts.pathGlobs?.length ? picomatch(opts.pathGlobs, { dot: true }) : undefined;
  // A filter that rejects most chunks is asked of nearly every one (the dense scan has no other
  // way to fill its top k): a glob is matched once a file, not once a chunk.
  const pathVerdicts = new Map<string, boolean>();
  const pathOk = (p: string) => !live.has(p) && (!globs || (pathVerdicts.get(p) ?? pathVerdicts.set(p, globs(p)).get(p)!));
  const kindOk = (kind: string) => !opts.kinds || opts.kinds.includes(kind as never);
  const accept = (c: { path: string; kind: string }) => pathOk(c.path) && kindOk(c.kind);
  accept.slot = (catalog: Catalog, slot: number) => {
    const p = catalog.lexical.pathOf(slot);
    if (p === undefined || !pathOk(p)) return false;
    if (!opts.kinds) return true;
    const chunk = catalog.inSlot(slot);
    return !!chunk && kindOk(chunk.kind);
  };
  return accept;
}

function searchResult(chunk: StoredChunk, { score, why }: Ranked, unsaved: boolean): Omit<SearchResult, 'relevance'> {
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
async function lexicalCandidates(ctx: SearchContext, text: string, opts: QueryOptions, pool: number, live: Map<string, string>, accept: Accept): Promise<Ranked[]> {
  const analysis = analyseQuery(text);
  const { catalog } = ctx;
  // A chunk the store can no longer give as indexed (its shard lost or changed by another writer) is passed over.
  const rank = (q: QueryAnalysis): Ranked[] =>
    rankLexical(catalog.lexical, q, pool, (slot) => accept.slot(catalog, slot)).map((h) => ({ ...h, id: catalog.lexical.idOf(h.slot)!, path: catalog.lexical.pathOf(h.slot)!, chunk: once(() => catalog.inSlot(h.slot)) }));
  const liveChunks = await liveCandidates(ctx, live, analysis.terms, opts);
  const plain: Ranked[] = [...rank(analysis), ...liveChunks].sort((a, b) => b.score - a.score);
  // A model's rewrite of the question can only add candidates to the plain question's.
  return opts.rewrite ? addCandidates(plain, rank(analyseQuery(opts.rewrite)), (r) => r.id) : plain;
}

/** Lexical and dense candidates fused by rank, when the index has vectors and the query got one. */
async function fuseDense(ctx: SearchContext, text: string, lexical: Ranked[], pool: number, accept: Accept, signal?: AbortSignal): Promise<Ranked[]> {
  const vectors = ctx.vectors;
  const qv = ctx.embedder && vectors && vectors.size > 0 ? await queryVector(ctx, text, signal) : undefined;
  if (!vectors || !qv) return lexical;
  const dense = vectors.search(qv, pool, (id) => {
    const c = ctx.catalog.byId(id);
    return !!c && accept(c);
  });
  const lexicalOf = new Map(lexical.map((r) => [r.id, r]));
  const fused = reciprocalRankFusion([lexical.map((r) => r.id), dense.map((d) => d.id)]);
  return [...fused].map(([id, score]) => {
    const found = lexicalOf.get(id);
    if (found) return { ...found, score };
    const chunk = ctx.catalog.byId(id)!;
    return { id, path: chunk.path, score, chunk: holding(chunk) };
  });
}

/** Every other chunk that passes the filters, in path order, after the ranked ones. */
function withTheRest(catalog: Catalog, ranked: Ranked[], accept: Accept): Ranked[] {
  const seen = new Set(ranked.map((r) => r.id));
  const rest = [...catalog.chunks()].filter((c) => !seen.has(c.id) && accept(c));
  rest.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine));
  return [...ranked, ...rest.map((chunk) => ({ id: chunk.id, path: chunk.path, score: 0, chunk: holding(chunk) }))];
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
      if (score > 0) out.push({ id: chunk.id, path: chunk.path, chunk: holding(chunk), score, why: 'unsaved editor' });
    }
  }
  return out;
}
