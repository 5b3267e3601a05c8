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
