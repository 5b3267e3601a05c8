import { visibleText } from './visibleText';

/**
 * Workspace or user text shortened to one visible line of at most `maxChars` characters (a long
 * question in a header, a sentence beside a source): runs of whitespace become one space, control
 * characters are escaped, and a cut is marked with "…".
 */
export function excerpt(text: string, maxChars = 80): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  const cut = chars.length > maxChars ? chars.slice(0, Math.max(1, maxChars - 1)).join('').trimEnd() + '…' : chars.join('');
  return visibleText(cut);
}
