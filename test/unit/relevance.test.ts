import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createOpenAIEmbedder } from '../../src/core/embed/openaiEmbedder';
import { Engine } from '../../src/core/engine';
import { answerReferences } from '../../src/core/prompt/answerReferences';
import { mergeByRelevance, withRelevance } from '../../src/core/retrieval/relevance';
import { startTestServer, TestServer } from '../support/openaiTestServer';
import { tempDir, writeTree } from './helpers';

let server: TestServer;
before(async () => {
  server = await startTestServer({ dimensions: 32 });
});
after(() => server.close());

test('relevance is the share of the best score of the query: the best has 1, the rest keep their proportions', () => {
  const r = withRelevance([4, 2, 1].map((score) => ({ path: 'a', startLine: 1, endLine: 1, title: '', kind: 'doc' as const, language: '', score, text: '' })));
  assert.deepEqual(r.map((x) => x.relevance), [1, 0.5, 0.25]);
  assert.deepEqual(withRelevance([]), []);
});

test('two folders, one hybrid (fused ranks, at most 2/61) and one lexical (BM25): merged by relevance, each folder best match near the top', async () => {
  const hybridRoot = tempDir();
  const lexicalRoot = tempDir();
  writeTree(hybridRoot, {
    'docs/redirects.md': '# Redirects\n\n`resolve_redirects` follows HTTP redirects up to five times.\n',
    'docs/other.md': '# Other\n\nUnrelated words about billing.\n',
  });
  writeTree(lexicalRoot, {
    'docs/redirects.md': '# Redirect notes\n\nThe resolve_redirects helper is called by the fetcher.\n',
    'docs/noise.md': '# Noise\n\nresolve once, then again, redirects elsewhere.\n',
  });
  const embedder = createOpenAIEmbedder({ baseURL: server.url, model: 'test-embed', dimensions: 32 });
  const hybrid = await Engine.open({ folder: hybridRoot, embedder, shardCount: 2 });
  await hybrid.indexAll();
  const lexical = await Engine.open({ folder: lexicalRoot, shardCount: 2 });
  await lexical.indexAll();
  const h = await hybrid.query('resolve_redirects');
  const l = await lexical.query('resolve_redirects');
  assert.ok(h[0].score <= 0.0328, `a fused score is small: ${h[0].score}`);
  assert.ok(l[0].score > 1, `a BM25 score is not: ${l[0].score}`);
  assert.equal(h[0].relevance, 1);
  assert.equal(l[0].relevance, 1);
  const merged = mergeByRelevance([h.map((r) => ({ ...r, folder: 'hybrid' })), l.map((r) => ({ ...r, folder: 'lexical' }))], 3);
  assert.deepEqual(merged.slice(0, 2).map((r) => r.folder).sort(), ['hybrid', 'lexical'], 'the hybrid folder is not buried under the raw BM25 scores');
  const byRawScore = [...h, ...l].sort((a, b) => b.score - a.score);
  assert.ok(l.every((r) => byRawScore.indexOf(r) < byRawScore.indexOf(h[0])), 'as it was when raw scores were sorted together');
});

test('an answer references what it cited, in citation order; with no citation, the best few it was given', () => {
  const used = ['a', 'b', 'c', 'd', 'e'];
  assert.deepEqual(answerReferences(used, [3, 1], 2), ['c', 'a']);
  assert.deepEqual(answerReferences(used, [9], 2), ['a', 'b']);
  assert.deepEqual(answerReferences(used, [], 8), used);
});
