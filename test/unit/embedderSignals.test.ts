import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { after, before, test } from 'node:test';
import { createOpenAIEmbedder } from '../../src/core/embed/openaiEmbedder';
import { startTestServer, TestServer } from '../support/openaiTestServer';

let server: TestServer;
before(async () => {
  server = await startTestServer({ dimensions: 8 });
});
after(async () => {
  await server.close();
});

test('many batches on one signal leave no abort listeners behind and raise no MaxListenersExceededWarning', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  try {
    const e = createOpenAIEmbedder({ baseURL: server.url, model: 'm', batchSize: 1, concurrency: 2, timeoutMs: 2_000 });
    const run = new AbortController();
    const texts = Array.from({ length: 24 }, (_, i) => `text number ${i}`);
    assert.equal((await e.embed(texts, run.signal)).length, 24);
    assert.equal((await e.embed(texts, run.signal)).length, 24);
    assert.equal(getEventListeners(run.signal, 'abort').length, 0, 'every request removed what it added');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
  } finally {
    process.off('warning', onWarning);
  }
});

test('aborting the caller signal still stops a call in flight', async () => {
  const e = createOpenAIEmbedder({ baseURL: server.url, model: 'm', batchSize: 1, concurrency: 1, timeoutMs: 2_000 });
  const run = new AbortController();
  const pending = e.embed(Array.from({ length: 50 }, (_, i) => `t${i}`), run.signal);
  run.abort();
  await assert.rejects(pending, { name: 'AbortError' });
});
