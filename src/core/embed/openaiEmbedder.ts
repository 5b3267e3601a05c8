import OpenAI from 'openai';
import { abortError } from '../abortError';
import { baseUrlProblem } from '../endpointUrl';
import { describeEndpointError } from '../generate/endpointErrors';
import { redact } from '../redact';
import { approxTokens } from '../types';
import { Embedder, EmbeddingError } from './embedder';
import { checkEmbeddings, HTML_PAGE } from './embeddingResponse';

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
  /** How long one request may take, its whole body included. */
  timeoutMs?: number;
  /** How long retries of rate-limited or failing requests may go on before giving up. */
  retryBudgetMs?: number;
  /** Cap on one backoff sleep. */
  maxBackoffMs?: number;
}

/**
 * Embeddings from any OpenAI-compatible endpoint. Retries 429 and 5xx with exponential backoff and
 * jitter, honouring Retry-After, within a time budget; stops at once on 401/403/404 and on answers
 * that are not embeddings for the inputs sent.
 */
export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const problem = baseUrlProblem(opts.baseURL);
  if (problem) throw new EmbeddingError(problem, true);
  return new OpenAIEmbedder(opts);
}

class OpenAIEmbedder implements Embedder {
  readonly provider = 'openai';
  readonly model: string;
  private readonly client: OpenAI;
  private readonly where: string;
  private readonly timeoutMs: number;
  private dim: number;
  /** Set once the endpoint sent several vectors without `index` fields: their order cannot be trusted. */
  private oneByOne = false;

  constructor(private readonly opts: OpenAIEmbedderOptions) {
    this.model = opts.model;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.client = new OpenAI({ baseURL: opts.baseURL, apiKey: opts.apiKey || 'not-needed', timeout: this.timeoutMs, maxRetries: 0 });
    this.where = redact(opts.baseURL ?? 'https://api.openai.com/v1');
    this.dim = opts.dimensions ?? 0;
  }

  get dimensions(): number {
    return this.dim;
  }

  async embed(texts: string[], outer?: AbortSignal): Promise<number[][]> {
    // Each call gets its own signal, so the listeners the client adds per request never pile up on an
    // indexing run's signal, which lives for thousands of requests (Node warned of exactly that).
    const local = new AbortController();
    const forward = () => local.abort();
    if (outer?.aborted) local.abort();
    outer?.addEventListener('abort', forward, { once: true });
    try {
      return await this.embedAll(texts, local.signal);
    } finally {
      outer?.removeEventListener('abort', forward);
    }
  }

  /** Batches of `batchSize`, at most `concurrency` in flight, results in input order. */
  private async embedAll(texts: string[], signal: AbortSignal): Promise<number[][]> {
    const maxChars = (this.opts.maxInputTokens ?? 8000) * 4;
    const batchSize = this.opts.batchSize ?? 64;
    const inputs = texts.map((t) => truncate(t, maxChars));
    const batches: string[][] = [];
    for (let i = 0; i < inputs.length; i += batchSize) batches.push(inputs.slice(i, i + batchSize));
    const results: number[][][] = new Array(batches.length);
    let next = 0;
    const runners = Array.from({ length: Math.min(this.opts.concurrency ?? 2, batches.length) }, async () => {
      while (next < batches.length) {
        const i = next++;
        results[i] = await this.request(batches[i], signal);
      }
    });
    await Promise.all(runners);
    return results.flat();
  }

  /** One batch, retried within the budget while retrying can help. */
  private async request(inputs: string[], signal?: AbortSignal): Promise<number[][]> {
    if (this.oneByOne && inputs.length > 1) return this.oneAtATime(inputs, signal);
    const deadline = Date.now() + (this.opts.retryBudgetMs ?? 60_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(inputs, signal);
      } catch (err) {
        if (err instanceof EmbeddingError) throw err;
        if (signal?.aborted || err instanceof OpenAI.APIUserAbortError) throw abortError();
        const status = err instanceof OpenAI.APIError ? err.status : undefined;
        const retryable = status === 429 || (status !== undefined && status >= 500) || err instanceof OpenAI.APIConnectionError;
        const message = describeEndpointError(err, this.where, this.model, this.opts.apiKey);
        if (!retryable) throw this.fail(message, status === 401 || status === 403 || status === 404);
        const wait = backoffMs(attempt, retryAfterMs(err), this.opts.maxBackoffMs ?? 20_000);
        if (Date.now() + wait > deadline) throw this.fail(`${message} Gave up after ${attempt + 1} attempts.`, false);
        await sleep(wait, signal);
      }
    }
  }

  /** One request, its vectors checked and in input order. */
  private async attempt(inputs: string[], signal?: AbortSignal): Promise<number[][]> {
    const checked = checkEmbeddings(await this.post(inputs, signal), inputs.length);
    if (checked.kind === 'invalid') throw this.fail(`The endpoint ${this.where} ${checked.problem}`, true);
    if (checked.kind === 'unordered') {
      this.oneByOne = true;
      return this.oneAtATime(inputs, signal);
    }
    return checked.vectors.map((v) => this.checkVector(v));
  }

  /** The request bounded as a whole: the client's own timeout ends when the headers arrive. */
  private async post(inputs: string[], signal?: AbortSignal): Promise<unknown> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.timeoutMs);
    try {
      return await this.client.embeddings.create(
        { model: this.model, input: inputs, encoding_format: 'float' },
        { signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal },
      );
    } catch (err) {
      if (deadline.signal.aborted && !signal?.aborted) throw new OpenAI.APIConnectionTimeoutError();
      // A web page sent as application/json fails in the client's JSON parser.
      if (err instanceof SyntaxError && /'<'/.test(err.message)) throw this.fail(`The endpoint ${this.where} ${HTML_PAGE}`, true);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async oneAtATime(inputs: string[], signal?: AbortSignal): Promise<number[][]> {
    const vectors: number[][] = [];
    for (const input of inputs) vectors.push(...(await this.request([input], signal)));
    return vectors;
  }

  private checkVector(v: unknown): number[] {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw this.fail(`The endpoint ${this.where} returned a vector with invalid numbers (NaN or not a number) for model "${this.model}".`, true);
    }
    if (this.dim === 0) this.dim = v.length;
    if (v.length !== this.dim) {
      throw this.fail(`The endpoint ${this.where} returned ${v.length}-dimension vectors for model "${this.model}", but the index holds ${this.dim}-dimension vectors: check the model and dimensions settings.`, true);
    }
    return v as number[];
  }

  private fail(message: string, fatal: boolean): EmbeddingError {
    return new EmbeddingError(redact(message, [this.opts.apiKey]), fatal);
  }
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
