import assert from 'node:assert/strict';
import * as path from 'path';
import { test } from 'node:test';
import { IndexProgress } from '../../src/core/engine';
import { startEngineWorker } from '../../src/core/worker/engineClient';
import { tempDir, writeTree } from './helpers';

/** The index worker as tsc compiles it: the same script the bundle's dist/indexWorker.js is made from. */
const WORKER = path.resolve(__dirname, '../../src/core/worker/indexWorker.js');

test('the index worker serves the engine: pause holds a run, a cancelled run fails with an AbortError, progress arrives as events', async () => {
  const root = tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i++) files[`notes/n${i}.md`] = `# Note ${i}\n\nThe heron number ${i} nests by the river.\n`;
  writeTree(root, files);
  const client = startEngineWorker(WORKER, () => undefined);
  const progress: IndexProgress[] = [];
  client.onProgress((p) => progress.push(p));
  try {
    await assert.rejects(client.api.status(), /The index is not open\./);
    assert.deepEqual(await client.api.open({ folder: root, indexDir: path.join(tempDir(), 'idx'), chunkThreads: 0 }), { rebuildReason: undefined, chunks: 0 });
    await client.api.pause();
    let settled = false;
    const held = client.api.indexAll().finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(settled, false, 'a paused run waits in the worker');
    await client.api.cancelIndex();
    await assert.rejects(held, { name: 'AbortError' });
    await client.api.resume();
    const summary = await client.api.indexAll();
    assert.equal(summary.files, 20);
    assert.ok(progress.some((p) => p.phase === 'indexing' && p.done > 0), 'indexing progress came as events');
    assert.equal(progress.at(-1)?.phase, 'done');
    const [top] = await client.api.query('heron number 7', { topK: 1 });
    assert.equal(top.path, 'notes/n7.md');
    assert.equal((await client.api.status()).files, 20);
  } finally {
    await client.terminate();
  }
  await assert.rejects(client.api.status(), /The indexing worker stopped \(exit code 1\)\./, 'a stopped worker fails later calls, saying so');
});
