import { Generator } from '../generate/generator';
import { mergeAdjacentSnippets } from '../prompt/mergeSnippets';
import { rewriteQuery } from '../retrieval/queryRewrite';
import { QueryOptions, SearchResult } from '../retrieval/types';
import { ChunkKind } from '../types';
import { promptTokens } from './writeAnswer';

/** What the answer pipeline asks of a search: the engine's, or the VS Code side's across folders. */
export type AnswerSearch<R extends SearchResult> = (text: string, opts: Pick<QueryOptions, 'topK' | 'kinds' | 'includeAll' | 'rewrite'>) => Promise<R[]>;

export interface SnippetRequest<R extends SearchResult> {
  question: string;
  search: AnswerSearch<R>;
  /** The model that will read the snippets; none for an extractive answer. */
  generator?: Generator;
  /** Snippets to find; with a model and `fillBudget`, at least this many. */
  topK: number;
  /** With a model: as many snippets as its budget takes (about 300 tokens each, at most 40). */
  fillBudget?: boolean;
  kinds?: ChunkKind[];
  /**
   * Characters of text in the whole index, asked only with a model: a workspace whose whole text
   * fits comfortably in the prompt is sent whole, matches first.
   */
  textChars?: () => Promise<number>;
  /** With a model, and the workspace not sent whole: have the model add search terms first (see `rewriteQuery`). */
  rewrite?: boolean;
  maxPromptTokens?: number;
  signal?: AbortSignal;
}

/** Tokens per snippet, to size a search to a model's budget. */
const SNIPPET_TOKENS = 300;
const MAX_BUDGET_SNIPPETS = 40;
/** Share of the prompt the whole workspace may take and still be sent whole. */
const WHOLE_SHARE = 0.7;
const ALL = 100_000;

/** The snippets for a question, best first, adjacent ones of a file merged into one. */
export async function retrieveSnippets<R extends SearchResult>(req: SnippetRequest<R>): Promise<R[]> {
  const { generator } = req;
  const tokens = generator ? promptTokens(generator, req.maxPromptTokens) : 0;
  const whole = generator && req.textChars ? (await req.textChars()) / 4 <= tokens * WHOLE_SHARE : false;
  const topK = whole ? ALL : generator && req.fillBudget ? Math.max(req.topK, Math.min(MAX_BUDGET_SNIPPETS, Math.floor(tokens / SNIPPET_TOKENS))) : req.topK;
  const rewrite = generator && req.rewrite && !whole ? await rewriteQuery(req.question, generator, { signal: req.signal }) : undefined;
  const results = await req.search(req.question, { topK, kinds: req.kinds, includeAll: whole, ...(rewrite ? { rewrite } : {}) });
  return mergeAdjacentSnippets(results);
}
