import * as mammoth from 'mammoth';

export type DocxResult = { ok: true; text: string } | { ok: false; reason: string };

// Images would come back as data URIs: megabytes of base64 that no question is answered from.
const NO_IMAGES = mammoth.images.imgElement(async () => ({ src: '' }));

/**
 * A Word document as the HTML mammoth makes of it (headings from the document's heading styles,
 * paragraphs, lists, tables), for the HTML chunker; or why it could not be read.
 */
export async function docxToHtml(bytes: Buffer): Promise<DocxResult> {
  try {
    // The file is untrusted: it must not make Grounded read other files it links to.
    const result = await mammoth.convertToHtml({ buffer: bytes }, { convertImage: NO_IMAGES, externalFileAccess: false });
    if (result.value.replace(/<[^>]*>/g, '').trim() === '') return { ok: false, reason: 'Word document with no text' };
    return { ok: true, text: result.value };
  } catch (err) {
    return { ok: false, reason: `damaged Word document (${oneLine((err as Error)?.message ?? String(err))})` };
  }
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 120);
}
