import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { chunkPdf } from '../../src/core/chunk/pdfChunker';
import { withDefaults } from '../../src/core/config';
import { extractPdfText } from '../../src/core/discovery/pdfText';
import { readDocument } from '../../src/core/discovery/readDocument';
import { IMAGE_ONLY_PAGE, makePdf } from '../support/documentFixtures';
import { policyPdf } from '../support/documentSamples';
import { tempDir } from './helpers';

async function chunksOf(bytes: Buffer, maxTokens = 400) {
  const extracted = await extractPdfText(bytes);
  assert.ok(extracted.ok, extracted.ok ? '' : extracted.reason);
  return chunkPdf('policies/travel.pdf', extracted.text, { maxTokens });
}

test('a PDF is chunked by page and by the headings its layout shows, each chunk knowing its page', async () => {
  const chunks = await chunksOf(policyPdf());
  assert.deepEqual(
    chunks.map((c) => ({ page: c.page, title: c.title, startLine: c.startLine, endLine: c.endLine, language: c.language, kind: c.kind })),
    [
      { page: 1, title: 'Travel Policy > Booking', startLine: 1, endLine: 4, language: 'pdf', kind: 'doc' },
      { page: 2, title: 'Travel Policy > Booking', startLine: 5, endLine: 5, language: 'pdf', kind: 'doc' },
      { page: 2, title: 'Travel Policy > Refunds', startLine: 6, endLine: 7, language: 'pdf', kind: 'doc' },
    ],
  );
  assert.equal(chunks[0].text, 'Travel Policy\nBooking\nEmployees book economy class for flights under six hours.\nManagers approve business class in writing.');
  assert.equal(chunks[1].text, 'Hotels are booked through the travel desk (ext. 4410).');
  assert.equal(chunks[2].text, 'Refunds\nUnused tickets are refunded within 14 days.');
});

test('a long PDF section is cut at the token limit and never across a page', async () => {
  const body = Array.from({ length: 30 }, (_, i) => ({ text: `Clause ${i + 1}: the supplier keeps records for seven years.`, size: 11 }));
  const chunks = await chunksOf(makePdf([[{ text: 'Retention', size: 18 }, ...body], body.slice(0, 3)]), 64);
  assert.ok(chunks.length > 3);
  for (const c of chunks) {
    assert.ok(c.text.length <= 64 * 4 + 80, `chunk of ${c.text.length} chars`);
    assert.equal(c.title, 'Retention');
  }
  assert.deepEqual([...new Set(chunks.map((c) => c.page))], [1, 2]);
  const lines = chunks.flatMap((c) => c.text.split('\n'));
  assert.equal(lines.length, 34, 'every line is in exactly one chunk');
  assert.equal(chunks[chunks.length - 1].endLine, 34);
});

test('encrypted, scanned, truncated and non-PDF files are skipped with a reason', async () => {
  const pdf = policyPdf();
  assert.deepEqual(await extractPdfText(makePdf([[{ text: 'Secret', size: 11 }]], { encrypt: true })), { ok: false, reason: 'encrypted PDF (needs a password)' });
  assert.deepEqual(await extractPdfText(makePdf([IMAGE_ONLY_PAGE, IMAGE_ONLY_PAGE])), { ok: false, reason: 'no text layer: scanned?' });
  assert.deepEqual(await extractPdfText(pdf.subarray(0, 120)), { ok: false, reason: 'damaged PDF (invalid structure)' });
  assert.deepEqual(await extractPdfText(Buffer.from('not a PDF at all\n')), { ok: false, reason: 'damaged PDF (invalid structure)' });
});

test('readDocument reads PDFs under their own size limit, not the text limit', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'travel.pdf');
  const pdf = policyPdf();
  fs.writeFileSync(file, pdf);
  const small = withDefaults({ maxFileBytes: 100, maxDocumentBytes: pdf.length });
  const read = await readDocument(file, small);
  assert.ok(read.ok, read.ok ? '' : read.reason);
  assert.equal(read.size, pdf.length);
  const tooSmall = await readDocument(file, withDefaults({ maxDocumentBytes: pdf.length - 1 }));
  assert.deepEqual([tooSmall.ok, !tooSmall.ok && tooSmall.reason], [false, `larger than ${pdf.length - 1} bytes`]);
});
