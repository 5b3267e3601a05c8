/**
 * Workspace text that is shown on one line of a label (a file name, a title) must not be able to end
 * the line, start a forged one, move a terminal's cursor or reverse the reading order. Every control
 * character, C1 control and bidirectional override is shown as an escape instead of being emitted.
 */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/** `text` with each control or bidi character (and the backslash, so escapes stay unambiguous) escaped. */
export function visibleText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(INVISIBLE, (ch) => NAMED[ch] ?? escapeCode(ch.charCodeAt(0)));
}

/** True when `text` would be changed by `visibleText` apart from backslashes. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(text);
}

function escapeCode(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Multi-line workspace text (a snippet) for a terminal: line breaks (`\n`, `\r\n`) and tabs stay, every
 * other control or bidi character is escaped as in `visibleText`, so a file cannot clear the screen,
 * recolour it or overwrite a line. Backslashes are left alone: code is full of them, and unlike a
 * label, a snippet's text is never parsed back.
 */
export function visibleLines(text: string): string {
  return text.replace(INVISIBLE, (ch, at: number) =>
    ch === '\n' || ch === '\t' || (ch === '\r' && text[at + 1] === '\n') ? ch : (NAMED[ch] ?? escapeCode(ch.charCodeAt(0))),
  );
}
