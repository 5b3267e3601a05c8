import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkFile } from '../../src/core/chunk/chunkFile';
import { chunkHtml } from '../../src/core/chunk/htmlChunker';
import { docxToHtml } from '../../src/core/discovery/docxText';
import { makeDocx, makeZip } from '../support/documentFixtures';
import { expenseDocx, WIKI_EXPORT } from '../support/documentSamples';

const noCode = async () => {
  throw new Error('no code in these documents');
};

test('HTML: the main text only, headings as the heading path, lines of the source', async () => {
  const chunks = await chunkFile('wiki/runbook.html', WIKI_EXPORT, { maxTokens: 400 }, noCode);
  assert.deepEqual(
    chunks.map((c) => ({ title: c.title, startLine: c.startLine, endLine: c.endLine, language: c.language, kind: c.kind })),
    [
      { title: 'Database failover', startLine: 8, endLine: 10, language: 'html', kind: 'doc' },
      { title: 'Database failover > Before you start', startLine: 11, endLine: 12, language: 'html', kind: 'doc' },
      { title: 'Database failover > Afterwards', startLine: 14, endLine: 17, language: 'html', kind: 'doc' },
    ],
  );
  assert.equal(chunks[0].text, 'Database failover\nWhen the primary stops answering, promote the replica with pg_ctl promote.');
  assert.equal(chunks[1].text, 'Before you start\nPage the on-call DBA.\nFreeze deploys & migrations.');
  assert.equal(chunks[2].text, "Afterwards\nStep | Owner\nRebuild the old primary | DBA\npsql -c 'select 1'\n  -- indented");
  const all = chunks.map((c) => c.text).join('\n');
  for (const chrome of ['Acme Wiki', 'Spaces', 'Recent changes', 'trackPageView', 'color: red', 'Copyright', 'Privacy']) {
    assert.ok(!all.includes(chrome), `${chrome} is page chrome, not main text`);
  }
});

test('HTML without <main> keeps the body, minus header, footer, navigation and hidden elements', () => {
  const html = '<body><header>Site</header><nav>Menu</nav><h1>Leave</h1><p>Twenty-five days a year.</p><p hidden>draft</p><div aria-hidden="true">x</div><footer>Legal</footer></body>';
  const chunks = chunkHtml('leave.htm', html, 'html', 'source', { maxTokens: 400 });
  assert.deepEqual(chunks.map((c) => [c.title, c.text]), [['Leave', 'Leave\nTwenty-five days a year.']]);
});

test('HTML: a long section is packed up to the token limit, a giant paragraph cut at spaces', () => {
  const para = 'The retention period is seven years for every invoice. '.repeat(40);
  const chunks = chunkHtml('a.html', `<h1>Records</h1><p>${para}</p><p>Short closing note.</p>`, 'html', 'source', { maxTokens: 100 });
  assert.ok(chunks.length >= 5);
  for (const c of chunks) assert.ok(c.text.length <= 100 * 4 + 40, `chunk of ${c.text.length} chars`);
  assert.ok(chunks.every((c) => c.title === 'Records'));
  assert.equal(chunks.map((c) => c.text).join(' ').replace(/\s+/g, ' ').includes('Short closing note.'), true);
});

test('Word: headings and paragraphs through mammoth, chunked by heading, lines of the extracted text', async () => {
  const docx = expenseDocx();
  const html = await docxToHtml(docx);
  assert.ok(html.ok, html.ok ? '' : html.reason);
  const chunks = await chunkFile('policies/expenses.docx', html.text, { maxTokens: 400 }, noCode);
  assert.deepEqual(
    chunks.map((c) => ({ title: c.title, startLine: c.startLine, endLine: c.endLine, language: c.language, text: c.text })),
    [
      { title: 'Expense Policy', startLine: 1, endLine: 2, language: 'docx', text: 'Expense Policy\nReceipts are required for every expense over 25 euros.' },
      { title: 'Expense Policy > Meals', startLine: 3, endLine: 5, language: 'docx', text: 'Meals\nDinner with a client is refunded up to 60 euros a person.\nAlcohol is never refunded.' },
    ],
  );
});

test('a corrupt or empty Word document is skipped with a reason', async () => {
  const docx = makeDocx([{ text: 'x' }]);
  const truncated = await docxToHtml(docx.subarray(0, docx.length - 30));
  assert.equal(truncated.ok, false);
  assert.match(!truncated.ok ? truncated.reason : '', /^damaged Word document \(.+\)$/);
  const notZip = await docxToHtml(Buffer.from('this is not a zip archive'));
  assert.match(!notZip.ok ? notZip.reason : '', /^damaged Word document \(.+\)$/);
  const noDocument = await docxToHtml(makeZip({ 'hello.txt': 'hi' }));
  assert.match(!noDocument.ok ? noDocument.reason : '', /^damaged Word document \(.+\)$/);
  assert.deepEqual(await docxToHtml(makeDocx([])), { ok: false, reason: 'Word document with no text' });
});
