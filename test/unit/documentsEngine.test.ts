import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { discoverFiles } from '../../src/core/discovery/walk';
import { withDefaults } from '../../src/core/config';
import { Engine } from '../../src/core/engine';
import { buildGroundedPrompt } from '../../src/core/prompt/buildPrompt';
import { extractiveAnswer } from '../../src/core/prompt/extractiveAnswer';
import { IMAGE_ONLY_PAGE, makePdf } from '../support/documentFixtures';
import { CHURN_NOTEBOOK, expenseDocx, policyPdf, WIKI_EXPORT } from '../support/documentSamples';
import { tempDir, writeTree } from './helpers';

/** A team's workspace: a policy as PDF and as .docx, a notebook, an HTML export, and broken documents. */
function documentsWorkspace(): string {
  const root = tempDir('grounded-docs-');
  writeTree(root, {
    'policies/travel.pdf': policyPdf(),
    'policies/expenses.docx': expenseDocx(),
    'analysis/churn.ipynb': CHURN_NOTEBOOK,
    'wiki/runbook.html': WIKI_EXPORT,
    'broken/scan.pdf': makePdf([IMAGE_ONLY_PAGE]),
    'broken/locked.pdf': makePdf([[{ text: 'Salaries', size: 11 }]], { encrypt: true }),
    'broken/cut.pdf': policyPdf().subarray(0, 100),
    'broken/corrupt.docx': Buffer.from('PK\u0003\u0004 definitely not a whole zip'),
  });
  return root;
}

test('a workspace of documents answers from each, citing page, cell or heading, and skips broken ones with reasons', async () => {
  const root = documentsWorkspace();
  const engine = await Engine.open({ folder: root, shardCount: 4 });
  try {
    const summary = await engine.indexAll();
    assert.equal(summary.added, 4);
    const reasons = Object.fromEntries(summary.skipped.map((s) => [s.relPath, s.reason]));
    assert.equal(reasons['broken/scan.pdf'], 'no text layer: scanned?');
    assert.equal(reasons['broken/locked.pdf'], 'encrypted PDF (needs a password)');
    assert.equal(reasons['broken/cut.pdf'], 'damaged PDF (invalid structure)');
    assert.match(reasons['broken/corrupt.docx'], /^damaged Word document/);

    const pdf = (await engine.query('when are unused tickets refunded', { topK: 1 }))[0];
    assert.deepEqual([pdf.path, pdf.page, pdf.title, pdf.cell], ['policies/travel.pdf', 2, 'Travel Policy > Refunds', undefined]);
    const docx = (await engine.query('dinner with a client refunded', { topK: 1 }))[0];
    assert.deepEqual([docx.path, docx.title, docx.page], ['policies/expenses.docx', 'Expense Policy > Meals', undefined]);
    const cell = (await engine.query('customers grouped by signup week', { topK: 1 }))[0];
    assert.deepEqual([cell.path, cell.cell, cell.title], ['analysis/churn.ipynb', 3, 'Churn analysis > Cohorts']);
    const html = (await engine.query('promote the replica', { topK: 1 }))[0];
    assert.deepEqual([html.path, html.title, html.startLine, html.endLine], ['wiki/runbook.html', 'Database failover', 8, 10]);
    assert.equal((await engine.query('copyright privacy spaces sidebar', { topK: 5 })).filter((r) => r.path === 'wiki/runbook.html').length, 0);
  } finally {
    await engine.close();
  }
  // Page and cell come back from the index on disk.
  const reopened = await Engine.open({ folder: root, shardCount: 4 });
  try {
    assert.equal((await reopened.indexAll()).unchanged, 8);
    const [r] = await reopened.query('unused tickets refunded', { topK: 1, liveFiles: [] });
    assert.equal(r.page, 2);
    assert.equal((await reopened.query('signup week cohorts', { topK: 1 }))[0].cell, 3);
  } finally {
    await reopened.close();
  }
});

test('answers cite a PDF by page and a notebook by cell', async () => {
  const snippets = [
    { path: 'spec.pdf', startLine: 40, endLine: 44, title: 'Limits', language: 'pdf', text: 'At most 12 units.', page: 12, score: 1 },
    { path: 'nb.ipynb', startLine: 3, endLine: 5, title: 'Load', language: 'python', text: 'load()', cell: 2, score: 0.5 },
    { path: 'src/a.ts', startLine: 4, endLine: 9, title: 'f', language: 'typescript', text: 'f()', score: 0.2 },
  ];
  const extractive = extractiveAnswer('units?', snippets);
  assert.match(extractive, /^\[1\] spec\.pdf p\. 12\b/m);
  assert.match(extractive, /^\[2\] nb\.ipynb cell 2\b/m);
  assert.match(extractive, /^\[3\] src\/a\.ts:4-9 /m);
  const prompt = buildGroundedPrompt('units?', snippets, { maxTokens: 4000 });
  assert.match(prompt.user, /^\[1\] spec\.pdf p\. 12 \(Limits\)$/m);
  assert.match(prompt.user, /^\[2\] nb\.ipynb cell 2 \(Load\)$/m);
  assert.match(prompt.user, /^\[3\] src\/a\.ts lines 4-9 \(f\)$/m);
});

test('documents have their own size limit in discovery; other files keep the text limit', async () => {
  const root = tempDir();
  const pdf = policyPdf();
  writeTree(root, { 'a.pdf': pdf, 'b.md': 'x'.repeat(2000) });
  const config = withDefaults({ maxFileBytes: 1024, maxDocumentBytes: pdf.length });
  const found = await discoverFiles(root, config);
  assert.deepEqual(found.files.map((f) => f.relPath), ['a.pdf']);
  assert.match(found.skipped.find((s) => s.relPath === 'b.md')!.reason, /^larger than 1\.0 KiB/);
  const tight = await discoverFiles(root, withDefaults({ maxDocumentBytes: 1024 }));
  assert.match(tight.skipped.find((s) => s.relPath === 'a.pdf')!.reason, /^larger than 1\.0 KiB/);
  fs.rmSync(path.join(root, 'b.md'));
});
