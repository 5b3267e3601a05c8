import * as zlib from 'zlib';

/** A line of PDF text and the font size it is set in. */
export interface PdfTextLine {
  text: string;
  size: number;
}

/**
 * A PDF written by hand: one page per entry, each line set in Helvetica at its size, top down. With
 * `encrypt`, the trailer names a Standard security handler whose user password is not empty, as a
 * password-protected file does. A page given as a string is a raw content stream (drawing, no text).
 */
export function makePdf(pages: (PdfTextLine[] | string)[], opts: { encrypt?: boolean } = {}): Buffer {
  const objects: string[] = [];
  const fontId = 3 + pages.length * 2;
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pages.map((_, i) => `${3 + i * 2} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  pages.forEach((lines, i) => {
    const content = typeof lines === 'string' ? lines : textContent(lines);
    objects[3 + i * 2] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${4 + i * 2} 0 R >>`;
    objects[4 + i * 2] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`;
  });
  objects[fontId] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  let trailerExtra = '';
  if (opts.encrypt) {
    const hex = (seed: number) => Buffer.from(Array.from({ length: 32 }, (_, k) => (k * 37 + seed) & 0xff)).toString('hex');
    objects[fontId + 1] = `<< /Filter /Standard /V 1 /R 2 /Length 40 /O <${hex(11)}> /U <${hex(29)}> /P -44 >>`;
    trailerExtra = ` /Encrypt ${fontId + 1} 0 R /ID [<${hex(3).slice(0, 32)}> <${hex(3).slice(0, 32)}>]`;
  }
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let i = 1; i < objects.length; i++) {
    offsets[i] = Buffer.byteLength(out, 'latin1');
    out += `${i} 0 obj\n${objects[i]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n` + offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R${trailerExtra} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function textContent(lines: PdfTextLine[]): string {
  let y = 740;
  let content = '';
  for (const l of lines) {
    content += `BT /F1 ${l.size} Tf 72 ${y} Td (${l.text.replace(/[\\()]/g, (c) => '\\' + c)}) Tj ET\n`;
    y -= l.size + 6;
  }
  return content;
}

/** A page of a scanned document: a filled rectangle where the image would be, and no text. */
export const IMAGE_ONLY_PAGE = 'q 0.5 g 72 300 468 400 re f Q\n';

/** A zip archive (deflated entries), as Office files are. */
export function makeZip(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    const packed = zlib.deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(data);
    // The local header and the central directory entry hold the same fields at other offsets.
    const common = { version: 20, method: 8, crc, packed: packed.length, size: data.length, name: nameBytes.length };
    const local = zipHeader(30, 0x04034b50, { ...common, at: [4, 8, 14, 18, 22, 26] });
    const central = zipHeader(46, 0x02014b50, { ...common, at: [6, 10, 16, 20, 24, 28] });
    central.writeUInt16LE(20, 4);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

function zipHeader(length: number, signature: number, f: { version: number; method: number; crc: number; packed: number; size: number; name: number; at: number[] }): Buffer {
  const h = Buffer.alloc(length);
  h.writeUInt32LE(signature, 0);
  const [version, method, crc, packed, size, name] = f.at;
  h.writeUInt16LE(f.version, version);
  h.writeUInt16LE(f.method, method);
  h.writeUInt32LE(f.crc, crc);
  h.writeUInt32LE(f.packed, packed);
  h.writeUInt32LE(f.size, size);
  h.writeUInt16LE(f.name, name);
  return h;
}

/** A paragraph of a Word document, in a heading style or plain. */
export interface DocxParagraph {
  text: string;
  style?: 'Heading1' | 'Heading2' | 'Heading3';
}

/** A minimal .docx: the parts Word needs, one paragraph each, heading styles by their built-in ids. */
export function makeDocx(paragraphs: DocxParagraph[]): Buffer {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = paragraphs
    .map((p) => `<w:p>${p.style ? `<w:pPr><w:pStyle w:val="${p.style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${esc(p.text)}</w:t></w:r></w:p>`)
    .join('');
  return makeZip({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/document.xml':
      '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      `<w:body>${body}</w:body></w:document>`,
  });
}

/** A notebook cell: Markdown or code, with outputs for code cells that ran. */
export interface NotebookCellSpec {
  kind: 'markdown' | 'code';
  source: string;
  outputs?: unknown[];
}

/** An nbformat 4 notebook as Jupyter writes it: sources as lists of lines, a Python kernel. */
export function makeNotebook(cells: NotebookCellSpec[], language = { name: 'python', file_extension: '.py' }): string {
  const lines = (s: string) => s.split(/(?<=\n)/);
  return JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'python3', language: language.name, display_name: 'Python 3' }, language_info: language },
      cells: cells.map((c, i) =>
        c.kind === 'markdown'
          ? { cell_type: 'markdown', id: `c${i}`, metadata: {}, source: lines(c.source) }
          : { cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: i, source: lines(c.source), outputs: c.outputs ?? [] },
      ),
    },
    null,
    1,
  );
}
