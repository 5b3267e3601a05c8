import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, test } from 'node:test';
import { EmbeddingError } from '../../src/core/embed/embedder';
import { createOpenAIEmbedder } from '../../src/core/embed/openaiEmbedder';
import { baseUrlProblem } from '../../src/core/endpointUrl';
import { Engine } from '../../src/core/engine';
import { createOpenAIGenerator } from '../../src/core/generate/openaiGenerator';
import { buildGroundedPrompt } from '../../src/core/prompt/buildPrompt';
import { redact } from '../../src/core/redact';
import { Fault, startTestServer, TestServer, trigramVector } from '../support/openaiTestServer';
import { REPO_ROOT, tempDir, writeTree } from '../unit/helpers';

const KEY = 'sk-test-fake-key-7Hq2';
const CLI = path.join(REPO_ROOT, 'dist/cli.js');

let server: TestServer;
before(async () => {
  server = await startTestServer({ dimensions: 16 });
});
after(async () => {
  await server.close();
});

function serve(fault: Fault, times = 1): void {
  server.faults.length = 0;
  for (let i = 0; i < times; i++) server.faults.push(fault);
}

/** The CLI first probes the vector length: that one request is answered, the faults come after. */
function serveAfterProbe(fault: Fault, times: number): void {
  serve(fault, times);
  server.faults.unshift({ kind: 'slow', ms: 0 });
}

function embedder(extra: Partial<Parameters<typeof createOpenAIEmbedder>[0]> = {}) {
  return createOpenAIEmbedder({ baseURL: server.url, apiKey: KEY, model: 'm', retryBudgetMs: 1500, maxBackoffMs: 50, timeoutMs: 1000, ...extra });
}

function workspace(files: number): string {
  const root = tempDir();
  const tree: Record<string, string> = {};
  for (let i = 0; i < files; i++) tree[`doc${i}.md`] = `# Doc ${i}\n\nText of document number ${i} about topic ${i % 7}.\n`;
  writeTree(root, tree);
  return root;
}

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, out, err, ms: Date.now() - started });
    });
  });
}

test('redact takes out the configured key, header values, Bearer tokens, URL credentials and key parameters', () => {
  const cases: [string, string][] = [
    [`400 Bad header Authorization: Bearer ${KEY}`, '400 Bad header Authorization: [redacted]'],
    [`{"authorization":"Bearer ${KEY}","host":"h"}`, '{"authorization":"[redacted]","host":"h"}'],
    ['token Bearer abc.def-ghi rejected', 'token Bearer [redacted] rejected'],
    ['api-key: 0123456789abcdef', 'api-key: [redacted]'],
    ['Cannot reach http://svc:secret@host/v1 now', 'Cannot reach http://[redacted]@host/v1 now'],
    ['GET https://h/v1/embeddings?api-key=abc123&x=1', 'GET https://h/v1/embeddings?api-key=[redacted]&x=1'],
    [`the key ${KEY} was refused`, 'the key [redacted] was refused'],
    ['a plain message, untouched', 'a plain message, untouched'],
  ];
  for (const [input, expected] of cases) assert.equal(redact(input, [KEY]), expected, input);
  assert.equal(redact('echo: my-custom-key-without-prefix', ['my-custom-key-without-prefix']), 'echo: [redacted]');
});

test('a 400 that echoes the Authorization header never shows the key, from the embedder, the chat model or the CLI', { timeout: 60_000 }, async () => {
  serve({ kind: 'echoAuth' });
  await assert.rejects(embedder().embed(['x']), (err: Error) => /rejected the request \(400\)/.test(err.message) && !err.message.includes(KEY) && !/Bearer sk/.test(err.message));
  serve({ kind: 'echoAuth' });
  const g = createOpenAIGenerator({ baseURL: server.url, apiKey: KEY, model: 'chat', maxRetries: 0 });
  await assert.rejects(g.generate(buildGroundedPrompt('q', [], { maxTokens: 500 }), () => undefined), (err: Error) => /400/.test(err.message) && !err.message.includes(KEY));

  const root = workspace(25);
  serveAfterProbe({ kind: 'echoAuth' }, 200);
  const run = await cli(['index', root, '--verbose'], { GROUNDED_BASE_URL: server.url, GROUNDED_API_KEY: KEY, GROUNDED_EMBED_MODEL: 'embed-16', GROUNDED_FLUSH_EVERY_FILES: '5' });
  server.faults.length = 0;
  assert.match(run.out + run.err, /400/, 'the failure is reported');
  assert.ok(!(run.out + run.err).includes(KEY) && !(run.out + run.err).includes('fake-key'), 'the key is nowhere in the output');
  assert.equal(run.code, 1);
  assert.match(run.err, /grounded: 25 files failed/);
});

test('a base URL with credentials, or not http(s), is refused at once with a clear message and no request', { timeout: 30_000 }, async () => {
  const withCreds = server.url.replace('http://', 'http://svc:hunter2secret@');
  assert.match(baseUrlProblem(withCreds) ?? '', /user name or password/);
  assert.ok(!baseUrlProblem(withCreds)!.includes('hunter2secret'));
  assert.match(baseUrlProblem('file:///etc/passwd') ?? '', /not http or https/);
  assert.match(baseUrlProblem('not a url') ?? '', /not a URL/);
  assert.equal(baseUrlProblem('http://localhost:11434/v1'), undefined);
  assert.equal(baseUrlProblem(undefined), undefined);
  assert.throws(() => createOpenAIEmbedder({ baseURL: withCreds, model: 'm' }), (err: Error) => err instanceof EmbeddingError && err.fatal && /user name or password/.test(err.message));
  assert.throws(() => createOpenAIGenerator({ baseURL: withCreds, model: 'm' }), /user name or password/);

  const before = server.counts['/v1/embeddings'] ?? 0;
  const run = await cli(['index', workspace(3)], { GROUNDED_BASE_URL: withCreds, GROUNDED_EMBED_MODEL: 'embed-16' });
  assert.equal(run.code, 1);
  assert.match(run.err, /user name or password/);
  assert.ok(!(run.out + run.err).includes('hunter2secret'), 'the password is not printed');
  assert.ok(run.ms < 10_000, `refused at once (${run.ms} ms)`);
  assert.equal(server.counts['/v1/embeddings'] ?? 0, before, 'nothing was sent');
  const root = workspace(3);
  const ask = await cli(['ask', root, 'what is topic 3?'], { GROUNDED_BASE_URL: withCreds, GROUNDED_CHAT_MODEL: 'chat' });
  assert.equal(ask.code, 1);
  assert.match(ask.err, /^grounded: GROUNDED_BASE_URL: The base URL http:\/\/\[redacted\]@127\.0\.0\.1:\d+\/v1 has a user name or password in it/);
  assert.ok(!fs.existsSync(path.join(root, '.grounded')), 'refused before any indexing');
  const plain = await cli(['query', root, 'topic 3'], { GROUNDED_BASE_URL: withCreds });
  assert.equal(plain.code, 0, 'with no model configured the URL is never used, so nothing is refused');
});

test('a body that trickles after the headers is cut off by the whole-request bound; index ends and says so', { timeout: 60_000 }, async () => {
  serve({ kind: 'trickle', intervalMs: 1000 }, 50);
  const started = Date.now();
  await assert.rejects(embedder({ timeoutMs: 800, retryBudgetMs: 1000 }).embed(['x']), (err: Error) => err instanceof EmbeddingError && /did not answer in time/.test(err.message) && /Gave up/.test(err.message));
  assert.ok(Date.now() - started < 6000, `bounded (${Date.now() - started} ms)`);

  const root = workspace(4);
  const engine = await Engine.open({ folder: root, indexDir: path.join(tempDir(), 'idx'), shardCount: 4, embedder: embedder({ dimensions: 16, timeoutMs: 500, retryBudgetMs: 600 }) });
  serve({ kind: 'trickle', intervalMs: 1000 }, 200);
  const t = Date.now();
  const summary = await engine.indexAll();
  server.faults.length = 0;
  assert.ok(Date.now() - t < 30_000, `index ended (${Date.now() - t} ms)`);
  assert.equal(summary.failed.length, 4);
  assert.match(summary.failed[0].reason, /did not answer in time/);
});

test('an HTML page with status 200 is named as such and stops the run, as text/html or as application/json', async () => {
  for (const contentType of ['text/html; charset=utf-8', 'application/json']) {
    serve({ kind: 'html', contentType });
    await assert.rejects(embedder().embed(['a', 'b']), (err: Error) => err instanceof EmbeddingError && err.fatal && err.message === `The endpoint ${server.url} returned an HTML page, not embeddings: is the base URL right?`, contentType);
  }
  const root = workspace(6);
  const engine = await Engine.open({ folder: root, indexDir: path.join(tempDir(), 'idx'), shardCount: 4, embedder: embedder({ dimensions: 16 }) });
  serve({ kind: 'html' }, 20);
  const summary = await engine.indexAll();
  server.faults.length = 0;
  assert.match(summary.error ?? '', /HTML page/);
  assert.equal(summary.failed.length, 1, 'the run stops at the first file instead of failing every one');
});

test('fewer vectors than inputs, and missing, repeated or out-of-range index fields, are refused with what was wrong', async () => {
  const expected: [Fault, RegExp][] = [
    [{ kind: 'shortCount' }, /returned 2 vectors for 3 inputs/],
    [{ kind: 'badIndex', mode: 'duplicate' }, /"index" fields are missing, repeated or out of range/],
    [{ kind: 'badIndex', mode: 'outOfRange' }, /"index" fields are missing, repeated or out of range/],
    [{ kind: 'badIndex', mode: 'partial' }, /"index" fields are missing, repeated or out of range/],
  ];
  for (const [fault, message] of expected) {
    serve(fault);
    await assert.rejects(embedder().embed(['a one', 'b two', 'c three']), (err: Error) => err instanceof EmbeddingError && err.fatal && message.test(err.message), fault.kind);
  }
});

test('vectors without index fields are never matched to inputs by guesswork: each input is asked for alone', async () => {
  const texts = Array.from({ length: 6 }, (_, i) => `chunk text number ${i} with words ${'w'.repeat(i + 1)}`);
  const e = embedder({ batchSize: 3, concurrency: 1 });
  for (let i = 0; i < 100; i++) server.faults.push({ kind: 'shuffledNoIndex' });
  const vectors = await e.embed(texts);
  server.faults.length = 0;
  assert.deepEqual(vectors, texts.map((t) => trigramVector(t, 16)), 'every input has its own vector');
});

test('a CLI run in which files failed exits non-zero and says how many', { timeout: 60_000 }, async () => {
  const root = workspace(5);
  // Every 400 fails its file alone (not fatal), so every file fails.
  serveAfterProbe({ kind: 'status', status: 400, message: 'input rejected' }, 100);
  const run = await cli(['index', root], { GROUNDED_BASE_URL: server.url, GROUNDED_EMBED_MODEL: 'embed-16' });
  server.faults.length = 0;
  assert.equal(run.code, 1, run.out + run.err);
  assert.match(run.err, /grounded: 5 files failed/);
});
