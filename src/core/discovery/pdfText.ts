import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';
import { PdfLine, PdfPage, serializePdfPages } from '../chunk/pdfDocument';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjs: Promise<PdfJs> | undefined;

/**
 * pdf.js, loaded on the first PDF. Its worker code runs in this thread (its "fake worker"): the
 * engine already runs off the editor's thread, and a second worker per PDF would cost more than it saves.
 */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= (async () => {
    const worker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= worker;
    // pdf.js's display module builds a DOMMatrix when it loads, for rendering, which Grounded never
    // does; Node has none, and the canvas package pdf.js would take one from is native (not in the
    // VSIX). A placeholder lets it load, the same with or without that package installed.
    (globalThis as { DOMMatrix?: unknown }).DOMMatrix ??= class RenderingOnlyMatrix {};
    // It also prints, as it loads, that rendering may be broken: true, and nothing to do with text.
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      return await import('pdfjs-dist/legacy/build/pdf.mjs');
    } finally {
      console.warn = warn;
    }
  })();
  return pdfjs;
}

export type PdfTextResult = { ok: true; text: string; pages: number } | { ok: false; reason: string };

/**
 * A PDF's text layer, page by page, serialised for the PDF chunker; or why it has none: encrypted,
 * damaged, or scanned (pages that are images, with no text to extract).
 */
export async function extractPdfText(bytes: Uint8Array): Promise<PdfTextResult> {
  const lib = await loadPdfJs();
  const task = lib.getDocument({
    // pdf.js may take over the buffer it is given; it gets a copy.
    data: new Uint8Array(bytes),
    // The file is untrusted: no generated code, no fonts installed, no fetches, no console output.
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    verbosity: lib.VerbosityLevel.ERRORS,
  });
  try {
    const doc = await task.promise;
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      pages.push({ page: n, lines: linesOf(content.items) });
      page.cleanup();
    }
    if (!pages.some((p) => p.lines.length > 0)) return { ok: false, reason: 'no text layer: scanned?' };
    return { ok: true, text: serializePdfPages(pages), pages: pages.length };
  } catch (err) {
    return { ok: false, reason: pdfErrorReason(err) };
  } finally {
    await task.destroy();
  }
}

function pdfErrorReason(err: unknown): string {
  const name = (err as Error)?.name;
  if (name === 'PasswordException') return 'encrypted PDF (needs a password)';
  if (name === 'InvalidPDFException') return 'damaged PDF (invalid structure)';
  return `damaged PDF (${(err as Error)?.message ?? String(err)})`;
}

/** Text items joined into lines: a new line where pdf.js marks one, or where the baseline moves. */
function linesOf(items: (TextItem | TextMarkedContent)[]): PdfLine[] {
  const lines: PdfLine[] = [];
  let text = '';
  let size = 0;
  let baseline: number | undefined;
  const end = () => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean) lines.push({ text: clean, size: Math.round(size * 10) / 10 });
    text = '';
    size = 0;
    baseline = undefined;
  };
  for (const item of items) {
    if (!('str' in item)) continue;
    const y = item.transform[5];
    const itemSize = Math.hypot(item.transform[2], item.transform[3]);
    if (item.str && baseline !== undefined && Math.abs(y - baseline) > Math.max(1, itemSize / 2)) end();
    if (item.str) {
      text += item.str;
      size = Math.max(size, itemSize);
      baseline = y;
    }
    if (item.hasEOL) end();
  }
  end();
  return lines;
}
