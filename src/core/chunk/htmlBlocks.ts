import { parseDocument } from 'htmlparser2';

/** A block of a page's main text: a paragraph, list item, table row, preformatted block or heading. */
export interface HtmlBlock {
  text: string;
  /** 1-6 for `<h1>`…`<h6>`. */
  heading?: number;
  /** Offsets in the source of the block's first and last character of text. */
  start: number;
  end: number;
}

type DomNode = ReturnType<typeof parseDocument>['children'][number];
type DomElement = Extract<DomNode, { attribs: unknown }>;

/** Never main text: code, styling, page chrome, controls, embedded media. */
const SKIPPED = new Set([
  'head', 'script', 'style', 'noscript', 'template', 'nav', 'aside', 'form', 'button', 'select',
  'textarea', 'svg', 'math', 'iframe', 'object', 'canvas', 'video', 'audio', 'dialog', 'menu',
]);
/** Site chrome outside the main content; inside `<main>` or `<article>` a header is the article's own. */
const CHROME = new Set(['header', 'footer']);
const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'search', 'complementary', 'menu', 'menubar', 'toolbar']);
const BLOCKS = new Set([
  'p', 'div', 'section', 'article', 'main', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'blockquote', 'pre', 'table',
  'thead', 'tbody', 'tfoot', 'tr', 'caption', 'figure', 'figcaption', 'details', 'summary', 'address', 'hr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'footer', 'body', 'html',
]);

/**
 * The main text of an HTML page as blocks, in order: `<main>` (or `[role=main]`, or `<article>`) when the
 * page has one, else the body without its header, footer and navigation. Scripts, styles, forms and
 * hidden elements are left out.
 */
export function htmlBlocks(html: string): HtmlBlock[] {
  const doc = parseDocument(html, { withStartIndices: true, withEndIndices: true });
  const main = findFirst(doc.children, (e) => e.name === 'main' || e.attribs.role === 'main') ?? findFirst(doc.children, (e) => e.name === 'article');
  const collector = new BlockCollector();
  collector.walk(main ? [main] : doc.children, !main);
  collector.endBlock();
  return collector.blocks;
}

function findFirst(nodes: DomNode[], test: (e: DomElement) => boolean): DomElement | undefined {
  for (const node of nodes) {
    if (!('attribs' in node)) continue;
    if (test(node)) return node;
    const found = findFirst(node.children, test);
    if (found) return found;
  }
  return undefined;
}

function isHidden(e: DomElement): boolean {
  return 'hidden' in e.attribs || e.attribs['aria-hidden'] === 'true' || CHROME_ROLES.has(e.attribs.role ?? '');
}

class BlockCollector {
  readonly blocks: HtmlBlock[] = [];
  private text = '';
  private start = -1;
  private end = -1;
  private heading?: number;
  private pre = 0;

  walk(nodes: DomNode[], skipChrome: boolean): void {
    for (const node of nodes) {
      if (node.type === 'text') this.addText(node.data, node.startIndex ?? 0, node.endIndex ?? 0);
      else if ('attribs' in node) this.element(node, skipChrome);
    }
  }

  private element(e: DomElement, skipChrome: boolean): void {
    if (SKIPPED.has(e.name) || isHidden(e) || (skipChrome && CHROME.has(e.name))) return;
    if (e.name === 'br') return this.addText('\n', e.startIndex ?? 0, e.startIndex ?? 0, true);
    if ((e.name === 'td' || e.name === 'th') && this.text.trim()) this.text += ' | ';
    if (e.name === 'img' && e.attribs.alt) return this.addText(` ${e.attribs.alt} `, e.startIndex ?? 0, e.endIndex ?? 0);
    const block = BLOCKS.has(e.name);
    const level = /^h[1-6]$/.test(e.name) ? Number(e.name[1]) : undefined;
    if (block) this.endBlock();
    if (level) this.heading = level;
    if (e.name === 'pre') this.pre++;
    this.walk(e.children, skipChrome);
    // A preformatted block ends while it is still preformatted, so its indentation is kept.
    if (block) this.endBlock();
    if (e.name === 'pre') this.pre--;
  }

  private addText(data: string, start: number, end: number, lineBreak = false): void {
    const text = this.pre || lineBreak ? data : data.replace(/\s+/g, ' ');
    if (!text) return;
    if (this.start < 0 && text.trim()) this.start = start;
    if (text.trim()) this.end = end;
    this.text += text;
  }

  endBlock(): void {
    const text = this.pre
      ? this.text.replace(/^\n+|\s+$/g, '')
      : this.text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
    if (text) this.blocks.push({ text, heading: this.heading, start: this.start, end: this.end });
    this.text = '';
    this.start = -1;
    this.end = -1;
    this.heading = undefined;
  }
}
