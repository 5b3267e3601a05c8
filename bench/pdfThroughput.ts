/**
 * PDF indexing throughput: pages a second through pdf.js text extraction alone, and through a whole
 * first index (discovery, extraction, chunking by page and heading, BM25, shard writes).
 *
 *   npm run build && npm run compile-tests && node out/bench/pdfThroughput.js [--files 40] [--pages 25]
 *
 * The PDFs are generated: Helvetica text, a heading and a subheading a page, 44 body lines of about 80
 * characters — the density of a typeset specification. Scanned or font-heavy PDFs cost more.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Engine } from '../src/core/engine';
import { extractPdfText } from '../src/core/discovery/pdfText';
import { makePdf, PdfTextLine } from '../test/support/documentFixtures';

const WORDS = 'the supplier shall retain records of every shipment invoice audit for seven years and report any breach within 72 hours to the data protection officer who reviews access logs quarterly'.split(' ');

function page(file: number, n: number): PdfTextLine[] {
  const lines: PdfTextLine[] = [{ text: `Section ${file}.${n}`, size: 18 }, { text: `Clause ${n} obligations`, size: 14 }];
  for (let l = 0; l < 44; l++) {
    const words = Array.from({ length: 13 }, (_, w) => WORDS[(file * 7 + n * 13 + l * 5 + w * 3) % WORDS.length]);
    lines.push({ text: `${l + 1}. ${words.join(' ')}`, size: 10 });
  }
  return lines;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const files = option('files', 40);
  const pages = option('pages', 25);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'grounded-pdf-bench-'));
  let bytes = 0;
  for (let f = 0; f < files; f++) {
    const pdf = makePdf(Array.from({ length: pages }, (_, n) => page(f, n + 1)));
    bytes += pdf.length;
    fs.writeFileSync(path.join(root, `spec-${f}.pdf`), pdf);
  }
  const totalPages = files * pages;
  const t0 = performance.now();
  for (let f = 0; f < files; f++) {
    const r = await extractPdfText(fs.readFileSync(path.join(root, `spec-${f}.pdf`)));
    if (!r.ok) throw new Error(r.reason);
  }
  const extractMs = performance.now() - t0;
  const engine = await Engine.open({ folder: root, indexDir: path.join(root, '.grounded') });
  const t1 = performance.now();
  const summary = await engine.indexAll();
  const indexMs = performance.now() - t1;
  await engine.close();
  fs.rmSync(root, { recursive: true, force: true });
  const result = {
    files,
    pages: totalPages,
    megabytes: Math.round((bytes / 1024 / 1024) * 10) / 10,
    chunks: summary.chunks,
    extractPagesPerSecond: Math.round(totalPages / (extractMs / 1000)),
    indexPagesPerSecond: Math.round(totalPages / (indexMs / 1000)),
    indexSeconds: Math.round(indexMs / 100) / 10,
  };
  console.log(JSON.stringify(result, null, 2));
  fs.mkdirSync(path.join(__dirname, '../../bench/results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, '../../bench/results/pdf-throughput.json'), JSON.stringify(result, null, 2) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
