import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkFile } from '../../src/core/chunk/chunkFile';
import { createCodeChunker } from '../../src/core/chunk/codeChunker';
import { makeNotebook } from '../support/documentFixtures';
import { CHURN_NOTEBOOK } from '../support/documentSamples';

const code = createCodeChunker();

test('a notebook: Markdown cells by heading, code cells as Python, each chunk knowing its cell; outputs left out', async () => {
  const chunks = await chunkFile('analysis/churn.ipynb', CHURN_NOTEBOOK, { maxTokens: 400 }, code);
  assert.deepEqual(
    chunks.map((c) => ({ cell: c.cell, kind: c.kind, language: c.language, title: c.title, startLine: c.startLine, endLine: c.endLine })),
    [
      { cell: 1, kind: 'doc', language: 'markdown', title: 'Churn analysis', startLine: 1, endLine: 3 },
      { cell: 2, kind: 'code', language: 'python', title: 'Churn analysis > imports', startLine: 4, endLine: 4 },
      { cell: 2, kind: 'code', language: 'python', title: 'Churn analysis > function load_events', startLine: 6, endLine: 7 },
      { cell: 3, kind: 'doc', language: 'markdown', title: 'Churn analysis > Cohorts', startLine: 8, endLine: 10 },
      { cell: 4, kind: 'code', language: 'python', title: 'Churn analysis > Cohorts > top level', startLine: 11, endLine: 11 },
    ],
  );
  assert.equal(chunks[2].text, 'def load_events(path):\n    return pd.read_csv(path)');
  assert.equal(chunks[4].text, 'cohorts = events.groupby("signup_week").size()');
  assert.ok(!chunks.some((c) => c.text.includes('OUTPUT-ONLY-TOKEN')), 'outputs are not indexed');
});

test('a notebook in another kernel language is chunked as that language; a broken notebook gives no chunks', async () => {
  const r = makeNotebook([{ kind: 'code', source: 'x <- c(1, 2, 3)\nmean(x)\n' }], { name: 'R', file_extension: '.r' });
  const chunks = await chunkFile('stats.ipynb', r, { maxTokens: 400 }, code);
  assert.deepEqual(chunks.map((c) => [c.cell, c.language, c.kind]), [[1, 'r', 'code']]);
  assert.deepEqual(await chunkFile('broken.ipynb', '{"cells": [', { maxTokens: 400 }, code), []);
  assert.deepEqual(await chunkFile('other.ipynb', '{"worksheets": []}', { maxTokens: 400 }, code), []);
});
