import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { createOpenAIGenerator } from '../../src/core/generate/openaiGenerator';
import { cleanRewrite, rewriteQuery } from '../../src/core/retrieval/queryRewrite';
import { startTestServer } from '../support/openaiTestServer';
import { tempDir, writeTree } from './helpers';

function workspace(): string {
  const root = tempDir('grounded-rewrite-');
  writeTree(root, {
    'docs/overview.md': '# Overview\n\n## Sign in\n\nUsers sign in with a password; a forgotten sign in can be reset.\n',
    'src/keyRotation.ts': 'export function rotateVaultKeys(vault: Vault): void {\n  vault.replaceKeys(newKeys());\n}\n',
  });
  return root;
}

test('a model rewrite adds candidates the plain question cannot find, and keeps every plain one', async () => {
  const server = await startTestServer({ answer: () => 'rotateVaultKeys vault keys rotation' });
  try {
    const generator = createOpenAIGenerator({ baseURL: server.url, model: 'chat' });
    const question = 'how do I sign in after a password reset?';
    const rewrite = await rewriteQuery(question, generator);
    assert.equal(rewrite, 'rotateVaultKeys vault keys rotation');
    assert.match(server.chatRequests[0].messages[1].content, /sign in after a password reset/);
    const engine = await Engine.open({ folder: workspace(), shardCount: 2, chunkThreads: 0 });
    await engine.indexAll();
    const plain = await engine.query(question);
    assert.ok(!plain.some((r) => r.path === 'src/keyRotation.ts'), 'the plain question does not reach the code');
    const fused = await engine.query(question, { rewrite });
    assert.ok(fused.some((r) => r.path === 'src/keyRotation.ts'), 'the rewrite adds it');
    for (const p of plain) assert.ok(fused.some((f) => f.path === p.path && f.startLine === p.startLine), `${p.path} kept`);
    await engine.close();
  } finally {
    await server.close();
  }
});

test('a rewrite that does not come within the bound is dropped at the bound, and the call is cancelled', async () => {
  const server = await startTestServer();
  try {
    server.faults.push({ kind: 'stall' });
    const generator = createOpenAIGenerator({ baseURL: server.url, model: 'chat', timeoutMs: 30_000, maxRetries: 0 });
    const started = Date.now();
    const rewrite = await rewriteQuery('where are keys rotated?', generator);
    const waited = Date.now() - started;
    assert.equal(rewrite, undefined);
    assert.ok(waited >= 1900 && waited < 2600, `waited ${waited} ms`);
  } finally {
    await server.close();
  }
});

test('a generator that ignores cancellation still cannot hold the question past the bound', async () => {
  let sawAbort = false;
  const stubborn = {
    generate: (_p: unknown, _on: (t: string) => void, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        signal?.addEventListener('abort', () => (sawAbort = true));
        setTimeout(resolve, 5000).unref();
      }),
  };
  const started = Date.now();
  assert.equal(await rewriteQuery('q', stubborn, { timeoutMs: 300 }), undefined);
  assert.ok(Date.now() - started < 1000);
  assert.ok(sawAbort, 'the call was told to stop');
});

test('a failing endpoint, an empty reply or a cancelled question give no rewrite', async () => {
  const server = await startTestServer({ answer: () => '   ' });
  try {
    const generator = createOpenAIGenerator({ baseURL: server.url, model: 'chat', maxRetries: 0 });
    assert.equal(await rewriteQuery('q', generator), undefined, 'empty reply');
    server.faults.push({ kind: 'status', status: 500 });
    assert.equal(await rewriteQuery('q', generator), undefined, 'server error');
    const cancelled = new AbortController();
    cancelled.abort();
    const before = server.counts['/v1/chat/completions'] ?? 0;
    assert.equal(await rewriteQuery('q', generator, { signal: cancelled.signal }), undefined);
    assert.equal(server.counts['/v1/chat/completions'] ?? 0, before, 'no call for a cancelled question');
  } finally {
    await server.close();
  }
  assert.equal(cleanRewrite('```\nsend  redirect\n```'), 'send redirect');
});
