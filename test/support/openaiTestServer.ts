import * as http from 'http';
import { AddressInfo } from 'net';

/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI wire format (embeddings, chat completions
 * with and without streaming) for tests, with scripted faults. Embeddings are deterministic
 * character-trigram hashes, so similar texts get similar vectors.
 */
export type Fault =
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  | { kind: 'stall' }
  | { kind: 'drop' }
  | { kind: 'cutStream'; afterChunks: number }
  | { kind: 'malformed' }
  | { kind: 'wrongDimensions'; dimensions: number }
  | { kind: 'nan' }
  | { kind: 'slow'; ms: number }
  /** Headers at once, then the body one byte every `intervalMs`. */
  | { kind: 'trickle'; intervalMs: number }
  /** A 200 with a web page, as a wrong base URL or a proxy's login page gives. */
  | { kind: 'html'; contentType?: string }
  /** Embeddings answers that do not match the request. */
  | { kind: 'shortCount' }
  | { kind: 'shuffledNoIndex' }
  | { kind: 'badIndex'; mode: 'duplicate' | 'outOfRange' | 'partial' }
  /** A 400 whose message echoes the request's Authorization header, as some proxies do. */
  | { kind: 'echoAuth' };

export interface TestServer {
  url: string;
  /** Requests received, by path. */
  counts: Record<string, number>;
  /** Bodies of chat requests, newest last. */
  chatRequests: { model: string; messages: { role: string; content: string }[] }[];
  /** Headers of every request (to check no key leaks where it should not, and that one is sent where it should). */
  headers: http.IncomingHttpHeaders[];
  /** Faults to serve, one per request, before normal answers resume. */
  faults: Fault[];
  /** How many streamed chat requests were closed by the client before their end. */
  aborted: number;
  close(): Promise<void>;
}

export interface TestServerOptions {
  dimensions?: number;
  /** When set, requests without `Authorization: Bearer <key>` get 401. */
  apiKey?: string;
  /** The chat answer; default cites the first snippet. */
  answer?: (question: string) => string;
  /** Delay between streamed chunks. */
  chunkDelayMs?: number;
}

export function trigramVector(text: string, dimensions: number): number[] {
  const v = new Array(dimensions).fill(0);
  const s = text.toLowerCase();
  for (let i = 0; i + 3 <= s.length; i++) v[(s.charCodeAt(i) * 961 + s.charCodeAt(i + 1) * 31 + s.charCodeAt(i + 2)) % dimensions] += 1;
  return v;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dimensions = opts.dimensions ?? 64;
  const sockets = new Set<import('net').Socket>();
  const state: Omit<TestServer, 'url' | 'close'> = { counts: {}, chatRequests: [], headers: [], faults: [], aborted: 0 };

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const path = (req.url ?? '').replace(/\?.*$/, '');
    state.counts[path] = (state.counts[path] ?? 0) + 1;
    state.headers.push(req.headers);
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return json(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    const fault = state.faults.shift();
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
      return json(res, fault.status, { error: { message: fault.message ?? `scripted ${fault.status}`, type: 'server_error' } }, headers);
    }
    if (fault?.kind === 'stall') return; // never answers; the client's timeout must end it
    if (fault?.kind === 'drop') return req.socket.destroy();
    if (fault?.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"object": "list", "data": [');
    }
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.ms));
    if (fault?.kind === 'echoAuth') return json(res, 400, { error: { message: `Bad header Authorization: ${req.headers.authorization} (raw: ${JSON.stringify(req.headers)})` } });
    if (fault?.kind === 'html') {
      res.writeHead(200, { 'content-type': fault.contentType ?? 'text/html; charset=utf-8' });
      return res.end('<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form>Sign in to continue</form></body></html>\n');
    }
    if (fault?.kind === 'trickle') return trickle(res, fault.intervalMs);
    let parsed: any;
    try {
      parsed = JSON.parse(body);
    } catch {
      return json(res, 400, { error: { message: 'Body is not JSON.' } });
    }
    if (path.endsWith('/embeddings')) {
      const inputs: string[] = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
      const dims = fault?.kind === 'wrongDimensions' ? fault.dimensions : dimensions;
      const data = inputs.map((text, index) => ({
        object: 'embedding',
        index,
        embedding: fault?.kind === 'nan' ? [NaN, ...trigramVector(text, dims - 1)] : trigramVector(text, dims),
      }));
      const answer = misordered(data, fault);
      // JSON.stringify writes NaN as null, which is what a broken server sends.
      return json(res, 200, { object: 'list', data: answer, model: parsed.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
    }
    if (path.endsWith('/chat/completions')) {
      state.chatRequests.push({ model: parsed.model, messages: parsed.messages });
      const question = String(parsed.messages?.[parsed.messages.length - 1]?.content ?? '');
      const answer = opts.answer ? opts.answer(question) : defaultAnswer(question);
      if (!parsed.stream) {
        return json(res, 200, { id: 'chatcmpl-test', object: 'chat.completion', created: 0, model: parsed.model, choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }] });
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      let closed = false;
      res.on('close', () => {
        if (!res.writableEnded) {
          closed = true;
          state.aborted++;
        }
      });
      const pieces = answer.match(/.{1,12}/gs) ?? [];
      for (let i = 0; i < pieces.length; i++) {
        if (closed) return;
        if (fault?.kind === 'cutStream' && i === fault.afterChunks) return req.socket.destroy();
        res.write(`data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: parsed.model, choices: [{ index: 0, delta: { content: pieces[i] }, finish_reason: null }] })}\n\n`);
        if (opts.chunkDelayMs) await new Promise((r) => setTimeout(r, opts.chunkDelayMs));
      }
      res.write(`data: ${JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 0, model: parsed.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
      res.write('data: [DONE]\n\n');
      return res.end();
    }
    json(res, 404, { error: { message: `No route ${path}` } });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  }) as TestServer;
}

type Item = { index?: number; [field: string]: unknown };

function misordered(data: Item[], fault: Fault | undefined): Item[] {
  if (fault?.kind === 'shortCount') return data.slice(0, -1);
  if (fault?.kind === 'shuffledNoIndex') return data.map((d) => ({ ...d, index: undefined })).reverse();
  if (fault?.kind !== 'badIndex') return data;
  if (fault.mode === 'duplicate') return data.map((d) => ({ ...d, index: 0 }));
  if (fault.mode === 'outOfRange') return data.map((d) => ({ ...d, index: (d.index ?? 0) + 1 }));
  return data.map((d, i) => (i === 0 ? d : { ...d, index: undefined }));
}

/** A valid embeddings body sent one byte at a time, until the client goes away. */
function trickle(res: http.ServerResponse, intervalMs: number): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  const body = Buffer.from(JSON.stringify({ object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1, 0] }] }));
  // The headers and a first byte go at once: the client's own timeout ends there.
  res.write(body.subarray(0, 1));
  let sent = 1;
  const timer = setInterval(() => {
    if (res.destroyed || sent >= body.length) {
      clearInterval(timer);
      if (!res.destroyed) res.end();
      return;
    }
    res.write(body.subarray(sent, ++sent));
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}

function defaultAnswer(question: string): string {
  const label = /\[1\] (\S+) (?:lines (\d+)-(\d+)|(p\. \d+|cell \d+))/.exec(question);
  // A page or cell is named with the file, as a reader would cite it.
  const source = label?.[4] ? `${label[1]} ${label[4]}` : label?.[1];
  return source ? `According to ${source}, the answer is in the first snippet [1].` : 'The snippets do not contain the answer.';
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
