/**
 * Workspace text shown in hovers and chat is data. These helpers keep it from turning into links,
 * HTML or command URIs when it is rendered as Markdown.
 */

/** Escapes Markdown and HTML syntax so the text renders literally. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}

/** A fenced code block that the text cannot close, whatever backticks or tildes it holds. */
export function fencedBlock(text: string, language = ''): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const info = /^[a-z0-9_+-]*$/i.test(language) ? language : '';
  return `${fence}${info}\n${text}\n${fence}`;
}

/**
 * Quoted text as a Markdown block quote, line for line, with its indentation kept. Chat puts "Apply in
 * Editor" on every code block; a quotation from the workspace is not code to apply, so it is no code block.
 */
export function quotedBlock(text: string): string {
  return text
    .replace(/\s+$/, '')
    .split(/\r?\n/)
    .map((line) => {
      const indent = /^[ \t]*/.exec(line)![0];
      const shown = indent.replace(/\t/g, '    ').replace(/ /g, '\u00a0') + escapeMarkdown(line.slice(indent.length));
      // Two trailing spaces break the line without starting a paragraph.
      return `> ${shown}  `;
    })
    .join('\n');
}
