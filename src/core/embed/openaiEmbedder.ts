import OpenAI from 'openai';
import { describeEndpointError } from '../generate/endpointErrors';
import { approxTokens } from '../types';
import { readIndexIdentity } from '../store/shardedStore';
import { Embedder, EmbeddingError, probeDimensions } from './embedder';

export interface OpenAIEmbedderOptions {
  baseURL?: string;
  apiKey?: string;
  model: string;
  /** Expected vector length; vectors of another length are an error, never stored. Probed when absent. */
  dimensions?: number;
  /** Inputs a request. */
  batchSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Longest input the model takes, in tokens; longer inputs are cut. */
  maxInputTokens?: number;
  /** How long one request may take. */
  timeoutMs?: number;
  /** How long retries of rate-limited or failing requests may go on before giving up. */
  retryBudgetMs?: number;
  /** Cap on one backoff sleep. */
  maxBackoffMs?: number;
}

/**
 * Embeddings from any OpenAI-compatible endpoint. Retries 429 and 5xx with exponential backoff and
 * jitter, honouring Retry-After, within a time budget; stops at once on 401/403/404.
 */
export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const client = new OpenAI({ baseURL: opts.baseURL, apiKey: opts.apiKey || 'not-needed', timeout: opts.timeoutMs ?? 30_000, maxRetries: 0 });
  const where = opts.baseURL ?? 'https://api.openai.com/v1';
  const batchSize = opts.batchSize ?? 64;
  const concurrency = opts.concurrency ?? 2;
  const maxChars = (opts.maxInputTokens ?? 8000) * 4;
  let dimensions = opts.dimensions ?? 0;

  const request = async (inputs: string[], signal?: AbortSignal): Promise<number[][]> => {
    const deadline = Date.now() + (opts.retryBudgetMs ?? 60_000);
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await withOwnSignal(signal, (own) => client.embeddings.create({ model: opts.model, input: inputs, encoding_format: 'float' }, { signal: own }));
        const vectors = [...res.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
        if (vectors.length !== inputs.length) throw new EmbeddingError(`The endpoint ${where} returned ${vectors.length} vectors for ${inputs.length} inputs.`, false);
        for (const v of vectors) {
          if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
            throw new EmbeddingError(`The endpoint ${where} returned a vector with invalid numbers (NaN or not a number) for model "${opts.model}".`, true);
          }
          if (dimensions === 0) dimensions = v.length;
          if (v.length !== dimensions) {
            throw new EmbeddingError(`The endpoint ${where} returned ${v.length}-dimension vectors for model "${opts.model}", but the index holds ${dimensions}-dimension vectors: check the model and dimensions settings.`, true);
          }
        }
        return vectors;
      } catch (err) {
        if (err instanceof EmbeddingError) throw err;
        if (signal?.aborted || err instanceof OpenAI.APIUserAbortError) throw abortError();
        const status = err instanceof OpenAI.APIError ? err.status : undefined;
        const retryable = status === 429 || (status !== undefined && status >= 500) || err instanceof OpenAI.APIConnectionError;
        const message = describeEndpointError(err, where, opts.model);
        if (!retryable) throw new EmbeddingError(message, status === 401 || status === 403 || status === 404);
        const wait = backoffMs(attempt, retryAfterMs(err), opts.maxBackoffMs ?? 20_000);
        if (Date.now() + wait > deadline) throw new EmbeddingError(`${message} Gave up after ${attempt + 1} attempts.`, false);
        await sleep(wait, signal);
      }
    }
  };

  return {
    provider: 'openai',
    model: opts.model,
    get dimensions() {
      return dimensions;
    },
    embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
      return embedAll(texts, signal);
    },
  };

  /** Batches of `batchSize`, at most `concurrency` in flight, results in input order. */
  async function embedAll(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const inputs = texts.map((t) => truncate(t, maxChars));
    const batches: string[][] = [];
    for (let i = 0; i < inputs.length; i += batchSize) batches.push(inputs.slice(i, i + batchSize));
    const results: number[][][] = new Array(batches.length);
    let next = 0;
    const runners = Array.from({ length: Math.min(concurrency, batches.length) }, async () => {
      while (next < batches.length) {
        const i = next++;
        results[i] = await request(batches[i], signal);
      }
    });
    await Promise.all(runners);
    return results.flat();
  }
}

/**
 * An embedder for an index folder: when the index there was built by this provider and model, its
 * recorded vector length is used, so the index opens (and lexical search works) even while the
 * endpoint is down; otherwise the length is configured or probed.
 */
export async function embedderForIndex(opts: OpenAIEmbedderOptions, indexDir: string): Promise<Embedder> {
  const existing = await readIndexIdentity(indexDir);
  const known = existing && existing.provider === 'openai' && existing.model === opts.model && (!opts.dimensions || opts.dimensions === existing.dimensions) ? existing.dimensions : undefined;
  return probeDimensions(createOpenAIEmbedder({ ...opts, dimensions: opts.dimensions || known }));
}

function truncate(text: string, maxChars: number): string {
  if (approxTokens(text) * 4 <= maxChars) return text;
  return text.slice(0, maxChars);
}

function retryAfterMs(err: unknown): number | undefined {
  const headers = err instanceof OpenAI.APIError ? err.headers : undefined;
  const value = headers?.get?.('retry-after') ?? undefined;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff with full jitter, or the server's Retry-After when it gave one. */
export function backoffMs(attempt: number, retryAfter: number | undefined, cap: number): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, cap);
  const base = Math.min(cap, 250 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

/**
 * Runs one request on a signal of its own that follows `signal`. The openai client adds an abort listener
 * to the signal of every request and never removes it, so requests sharing one signal (the batches and
 * retries of a call, the calls of an indexing run) piled them up until Node warned
 * (MaxListenersExceededWarning: 11 abort listeners).
 */
async function withOwnSignal<T>(signal: AbortSignal | undefined, run: (own: AbortSignal) => Promise<T>): Promise<T> {
  const own = new AbortController();
  const forward = () => own.abort();
  if (signal?.aborted) own.abort();
  signal?.addEventListener('abort', forward, { once: true });
  try {
    return await run(own.signal);
  } finally {
    signal?.removeEventListener('abort', forward);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  const err = new Error('Cancelled.');
  err.name = 'AbortError';
  return err;
}
