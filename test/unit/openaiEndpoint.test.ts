import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, test } from 'node:test';
import { EmbeddingError } from '../../src/core/embed/embedder';
import { embedderForIndex } from '../../src/core/embed/embedderRegistry';
import { backoffMs, createOpenAIEmbedder } from '../../src/core/embed/openaiEmbedder';
import { Engine } from '../../src/core/engine';
import { createOpenAIGenerator } from '../../src/core/generate/openaiGenerator';
import { buildGroundedPrompt } from '../../src/core/prompt/buildPrompt';
import { startTestServer, TestServer } from '../support/openaiTestServer';
import { tempDir, writeTree } from './helpers';

let server: TestServer;
before(async () => {
  server = await startTestServer({ dimensions: 48 });
});
after(async () => {
  await server.close();
});

const fast = { retryBudgetMs: 5_000, maxBackoffMs: 50, timeoutMs: 2_000 };

test('batches inputs and keeps their order', async () => {
  const before = server.counts['/v1/embeddings'] ?? 0;
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'm', batchSize: 4, concurrency: 2, ...fast });
  const texts = Array.from({ length: 10 }, (_, i) => `text number ${i}`);
  const vectors = await e.embed(texts);
  assert.equal(vectors.length, 10);
  assert.equal((server.counts['/v1/embeddings'] ?? 0) - before, 3);
  const single = await e.embed(['text number 7']);
  assert.deepEqual(vectors[7], single[0]);
  assert.equal(e.dimensions, 48);
});

test('retries 429 (with and without Retry-After) and 5xx, then succeeds', async () => {
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'm', ...fast });
  server.faults.push({ kind: 'status', status: 429, retryAfter: '0' }, { kind: 'status', status: 429 }, { kind: 'status', status: 500 }, { kind: 'status', status: 503 });
  const before = server.counts['/v1/embeddings'] ?? 0;
  const [v] = await e.embed(['hello']);
  assert.equal(v.length, 48);
  assert.equal((server.counts['/v1/embeddings'] ?? 0) - before, 5);
});

test('Retry-After is honoured and backoff grows with jitter', () => {
  assert.equal(backoffMs(0, 1500, 20_000), 1500);
  assert.equal(backoffMs(0, 90_000, 20_000), 20_000);
  const waits = Array.from({ length: 50 }, () => backoffMs(3, undefined, 20_000));
  assert.ok(waits.every((w) => w >= 1000 && w <= 2000));
  assert.ok(new Set(waits).size > 1, 'jittered');
});

test('gives up within its budget with a message naming the endpoint and status', async () => {
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'm', retryBudgetMs: 300, maxBackoffMs: 100, timeoutMs: 1000 });
  for (let i = 0; i < 50; i++) server.faults.push({ kind: 'status', status: 503 });
  const started = Date.now();
  await assert.rejects(e.embed(['x']), (err: Error) => err instanceof EmbeddingError && err.message.includes(server.url) && /503/.test(err.message) && /Gave up/.test(err.message));
  assert.ok(Date.now() - started < 3000);
  server.faults.length = 0;
});

test('401 and 403 stop at once with "check the API key"; 404 names the model', async () => {
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'nope', ...fast });
  for (const status of [401, 403]) {
    const before = server.counts['/v1/embeddings'] ?? 0;
    server.faults.push({ kind: 'status', status });
    await assert.rejects(e.embed(['x']), (err: EmbeddingError) => err.fatal && /check the API key/.test(err.message));
    assert.equal((server.counts['/v1/embeddings'] ?? 0) - before, 1, 'no retry');
  }
  server.faults.push({ kind: 'status', status: 404 });
  await assert.rejects(e.embed(['x']), /no model "nope"/);
});

test('wrong dimensions and NaN vectors are errors, never stored', async () => {
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'm', dimensions: 48, ...fast });
  server.faults.push({ kind: 'wrongDimensions', dimensions: 12 });
  await assert.rejects(e.embed(['x']), /12-dimension vectors.*48-dimension/);
  server.faults.push({ kind: 'nan' });
  await assert.rejects(e.embed(['x']), /invalid numbers/);
});

test('a stalled response times out and a refused connection is reported', async () => {
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'm', timeoutMs: 200, retryBudgetMs: 300, maxBackoffMs: 50 });
  for (let i = 0; i < 10; i++) server.faults.push({ kind: 'stall' });
  await assert.rejects(e.embed(['x']), /did not answer in time/);
  server.faults.length = 0;
  const refused = createOpenAIEmbedder({ baseURL: 'http://127.0.0.1:9/v1', model: 'm', timeoutMs: 500, retryBudgetMs: 200, maxBackoffMs: 50 });
  await assert.rejects(refused.embed(['x']), /Cannot reach the model endpoint http:\/\/127\.0\.0\.1:9\/v1/);
});

test('hybrid index: embeds in batches, re-indexing unchanged files sends no request, fusion finds by meaning and by name', async () => {
  const root = tempDir();
  writeTree(root, {
    'docs/a.md': '# Deploying\n\nShip the release to production with the deploy pipeline.\n',
    'docs/b.md': '# Hover\n\nHovering shows snippets.\n',
    'src/x.ts': 'export function computeChecksum(data: string): number {\n  return data.length;\n}\n',
  });
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'hybrid', ...fast });
  const indexDir = path.join(tempDir(), 'idx');
  let engine = await Engine.open({ folder: root, indexDir, embedder: e, shardCount: 4 });
  await engine.indexAll();
  const requests = server.counts['/v1/embeddings'];
  // As the worker and the CLI open it: the vector length comes from the index, so opening sends nothing.
  engine = await Engine.open({ folder: root, indexDir, embedder: await embedderForIndex({ provider: 'openai', baseURL: server.url, model: 'hybrid', ...fast }, indexDir), shardCount: 4 });
  const again = await engine.indexAll();
  assert.equal(again.unchanged, 3);
  assert.equal(server.counts['/v1/embeddings'], requests, 're-index sent no embedding request');
  const hits = await engine.query('computeChecksum');
  assert.equal(hits[0].path, 'src/x.ts');
  assert.equal(server.counts['/v1/embeddings'], requests + 1, 'the query itself was embedded');
  // "deploying releases to production" shares trigrams but few BM25 tokens with the doc; fusion still finds it.
  const meaning = await engine.query('deploy pipeline release');
  assert.equal(meaning[0].path, 'docs/a.md');
});

test('a failing endpoint during indexing keeps what the index had; the files are retried by the next run', async () => {
  const root = tempDir();
  writeTree(root, { 'a.md': '# A\n\nalpha text\n', 'b.md': '# B\n\nbeta text\n' });
  const indexDir = path.join(tempDir(), 'idx');
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'fail', ...fast });
  const engine = await Engine.open({ folder: root, indexDir, embedder: e, shardCount: 4 });
  await engine.indexAll();
  fs.writeFileSync(path.join(root, 'a.md'), '# A\n\ngamma text\n');
  server.faults.push({ kind: 'status', status: 401 });
  const failed = await engine.indexAll();
  assert.match(failed.error ?? '', /check the API key/);
  assert.equal((await engine.query('alpha'))[0].path, 'a.md', 'the old chunks are still there');
  const retried = await engine.indexAll();
  assert.equal(retried.updated, 1);
  assert.equal((await engine.query('gamma'))[0].path, 'a.md');
});

test('chat answers stream from the endpoint, and cancellation closes the HTTP stream', async () => {
  const slow = await startTestServer({ chunkDelayMs: 30, answer: () => 'x'.repeat(600) });
  try {
    const g = createOpenAIGenerator({ baseURL: slow.url, model: 'chat', timeoutMs: 5000 });
    const prompt = buildGroundedPrompt('q', [{ path: 'a.md', startLine: 1, endLine: 2, title: 'A', language: 'markdown', text: 'alpha' }], { maxTokens: 2000 });
    const controller = new AbortController();
    let received = '';
    const run = g.generate(prompt, (t) => {
      received += t;
      if (received.length >= 24) controller.abort();
    }, controller.signal);
    await assert.rejects(run, /Cancelled/);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(slow.aborted, 1, 'the server saw the stream closed');
    assert.ok(received.length < 600);
  } finally {
    await slow.close();
  }
  const g = createOpenAIGenerator({ baseURL: server.url, model: 'chat' });
  const prompt = buildGroundedPrompt('q', [{ path: 'a.md', startLine: 1, endLine: 2, title: 'A', language: 'markdown', text: 'alpha' }], { maxTokens: 2000 });
  let text = '';
  await g.generate(prompt, (t) => (text += t));
  assert.equal(text, 'According to a.md, the answer is in the first snippet [1].');
  const sent = server.chatRequests[server.chatRequests.length - 1];
  assert.equal(sent.messages[0].role, 'system');
  assert.match(sent.messages[1].content, /\[1\] a\.md lines 1-2/);
});

test('chat errors become one clear sentence', async () => {
  const g = createOpenAIGenerator({ baseURL: server.url, model: 'chat', maxRetries: 0, timeoutMs: 500 });
  const prompt = buildGroundedPrompt('q', [], { maxTokens: 2000 });
  server.faults.push({ kind: 'status', status: 401 });
  await assert.rejects(g.generate(prompt, () => undefined), /check the API key/);
  server.faults.push({ kind: 'status', status: 404 });
  await assert.rejects(g.generate(prompt, () => undefined), /no model "chat"/);
  server.faults.push({ kind: 'cutStream', afterChunks: 1 });
  await assert.rejects(g.generate(prompt, () => undefined), (err: Error) => !/\n/.test(err.message) && err.message.length < 400);
});

test('malformed JSON and a dropped connection end in bounded time with one clear sentence', async () => {
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'm', timeoutMs: 500, retryBudgetMs: 400, maxBackoffMs: 50 });
  for (let i = 0; i < 20; i++) server.faults.push({ kind: 'malformed' });
  const t = Date.now();
  await assert.rejects(e.embed(['x']), (err: Error) => err instanceof EmbeddingError && !err.message.includes('\n') && err.message.includes(server.url));
  server.faults.length = 0;
  for (let i = 0; i < 20; i++) server.faults.push({ kind: 'drop' });
  await assert.rejects(e.embed(['x']), (err: Error) => err instanceof EmbeddingError && /Cannot reach|failed/.test(err.message));
  server.faults.length = 0;
  assert.ok(Date.now() - t < 5000);
  assert.equal((await e.embed(['after'])).length, 1, 'the endpoint works again afterwards');
});

test('the embedder registry names its providers and refuses an unknown one by name', async () => {
  const { createEmbedder, EMBEDDING_PROVIDERS } = await import('../../src/core/embed/embedderRegistry');
  assert.deepEqual([...EMBEDDING_PROVIDERS], ['openai']);
  assert.equal(createEmbedder({ provider: 'openai', model: 'm', baseURL: 'http://127.0.0.1:9/v1' }).provider, 'openai');
  assert.throws(() => createEmbedder({ provider: 'constructor', model: 'm' }), /Unknown embeddings provider "constructor"/);
});
