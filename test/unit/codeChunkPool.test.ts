import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { codeChunkWorkerFile, createCodeChunkPool } from '../../src/core/chunk/codeChunkPool';
import { createCodeChunker } from '../../src/core/chunk/codeChunker';
import { languageForPath } from '../../src/core/chunk/languages';
import { Engine } from '../../src/core/engine';
import { tempDir, writeTree } from './helpers';

const CODE = path.resolve(__dirname, '../../../test/fixtures/code');
const FILES = fs.readdirSync(CODE).filter((f) => languageForPath(f)?.grammar && f !== 'broken.ts');

test('code chunked on worker threads is exactly what the engine thread makes', async () => {
  const workerFile = codeChunkWorkerFile();
  assert.ok(workerFile, 'the worker script sits beside the pool');
  const local = createCodeChunker();
  const pool = createCodeChunkPool(workerFile, 2, local);
  try {
    const opts = { maxTokens: 60 };
    const pooled = await Promise.all(FILES.map((f) => pool(f, fs.readFileSync(path.join(CODE, f), 'utf8'), languageForPath(f)!, opts)));
    for (let i = 0; i < FILES.length; i++) {
      assert.deepEqual(pooled[i], await local(FILES[i], fs.readFileSync(path.join(CODE, FILES[i]), 'utf8'), languageForPath(FILES[i])!, opts), FILES[i]);
    }
  } finally {
    await pool.close();
  }
});

test('when a chunking thread dies, what it held is chunked on the engine thread and later files still go to a thread', async () => {
  const messages: string[] = [];
  const local = createCodeChunker();
  const pool = createCodeChunkPool(codeChunkWorkerFile()!, 1, local, (m) => messages.push(m));
  try {
    const text = fs.readFileSync(path.join(CODE, FILES[0]), 'utf8');
    const lang = languageForPath(FILES[0])!;
    const expected = await local(FILES[0], text, lang, { maxTokens: 60 });
    const pending = Array.from({ length: 8 }, () => pool(FILES[0], text, lang, { maxTokens: 60 }));
    await pool.close(); // the thread exits with requests in flight
    for (const chunks of await Promise.all(pending)) assert.deepEqual(chunks, expected);
    assert.match(messages.join('\n'), /The code-chunking thread stopped \(exit code \d+\); its files are chunked on the indexing thread\./);
    assert.deepEqual(await pool(FILES[0], text, lang, { maxTokens: 60 }), expected, 'a new thread serves the next file');
  } finally {
    await pool.close();
  }
});

test('an engine indexes the same chunks with and without chunking threads', async () => {
  const root = tempDir();
  const tree: Record<string, string> = { 'docs/readme.md': '# Readme\n\nHow to run the service.\n' };
  for (const f of FILES) tree[`src/${f}`] = fs.readFileSync(path.join(CODE, f), 'utf8');
  writeTree(root, tree);
  const threaded = await Engine.open({ folder: root, indexDir: path.join(tempDir(), 'a') });
  const single = await Engine.open({ folder: root, indexDir: path.join(tempDir(), 'b'), chunkThreads: 0 });
  await threaded.indexAll();
  await single.indexAll();
  const all = async (e: Engine) => (await e.query('x', { includeAll: true, topK: 100000 })).map((r) => `${r.path}:${r.startLine}-${r.endLine}:${r.title}`).sort();
  assert.deepEqual(await all(threaded), await all(single));
  assert.ok(threaded.chunkCount > FILES.length);
});
