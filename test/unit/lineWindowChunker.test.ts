import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkLineWindows, lineWindows, splitLines } from '../../src/core/chunk/lineWindowChunker';
import { approxTokens, Chunk } from '../../src/core/types';

const spans = (chunks: Chunk[]) => chunks.map((c) => [c.startLine, c.endLine]);

/** Each chunk's text is exactly its lines, or a piece of its one line when that line is over the limit. */
function assertTextIsItsLines(text: string, chunks: Chunk[]): void {
  const lines = splitLines(text);
  for (const c of chunks) {
    const own = lines.slice(c.startLine - 1, c.endLine).join('\n');
    if (c.startLine === c.endLine && own.length > c.text.length) assert.ok(own.includes(c.text), `line ${c.startLine} holds its piece`);
    else assert.equal(c.text, own, `${c.startLine}-${c.endLine} is its lines`);
  }
}

/** Lines of exactly 39 characters: ten of them (with nine newlines) fill a 100-token window of 400 characters. */
function numberedLines(count: number): string {
  return Array.from({ length: count }, (_, i) => `line ${String(i + 1).padStart(3, '0')} ${'x'.repeat(30)}`).join('\n') + '\n';
}

test('windows hold as many whole lines as fit and overlap by a quarter of a window, at most three lines', () => {
  const text = numberedLines(100);
  const chunks = chunkLineWindows('notes/f.cfg', text, 'ini', 'code', { maxTokens: 100 });
  const expected: number[][] = [];
  for (let start = 1; ; start += 8) {
    expected.push([start, Math.min(start + 9, 100)]);
    if (start + 9 >= 100) break;
  }
  assert.deepEqual(spans(chunks), expected);
  assert.deepEqual(expected.slice(0, 3), [[1, 10], [9, 18], [17, 26]]);
  assert.deepEqual(expected.at(-1), [97, 100]);
  assert.equal(chunks[0].title, 'f.cfg lines 1–10');
  assert.equal(chunks.at(-1)?.title, 'f.cfg lines 97–100');
  assert.ok(chunks.every((c) => c.path === 'notes/f.cfg' && c.language === 'ini' && c.kind === 'code'));
  assert.ok(chunks.every((c) => approxTokens(c.text) <= 100));
  assertTextIsItsLines(text, chunks);
});

test('short windows do not overlap, so every window moves forward by its whole length', () => {
  const line = 'y'.repeat(150);
  const text = Array.from({ length: 9 }, () => line).join('\n');
  // Two 150-character lines fit in 400 characters; a quarter of two lines rounds down to none.
  assert.deepEqual(spans(chunkLineWindows('a.txt', text, 'plaintext', 'doc', { maxTokens: 100 })), [[1, 2], [3, 4], [5, 6], [7, 8], [9, 9]]);
});

test('a line longer than a window is cut by characters, each piece reporting that line', () => {
  const huge = 'y'.repeat(5000);
  const chunks = chunkLineWindows('min.js', huge, 'javascript', 'code', { maxTokens: 100 });
  assert.equal(chunks.length, 13);
  assert.ok(chunks.every((c) => c.startLine === 1 && c.endLine === 1 && c.text.length <= 400));
  assert.equal(chunks.map((c) => c.text).join(''), huge);

  const mixed = ['first', 'z'.repeat(900), 'third', 'fourth'].join('\n');
  const pieces = chunkLineWindows('m.txt', mixed, 'plaintext', 'doc', { maxTokens: 100 });
  assert.deepEqual(spans(pieces), [[1, 1], [2, 2], [2, 2], [2, 2], [3, 4]]);
  assert.deepEqual(pieces.slice(1, 4).map((c) => c.text.length), [400, 400, 100]);
  assertTextIsItsLines(mixed, pieces);
});

test('pieces of a long line never split a surrogate pair', () => {
  const emoji = '😀'.repeat(300);
  const windows = lineWindows([emoji], 65);
  assert.equal(windows.map((w) => w.text).join(''), emoji);
  for (const w of windows) assert.doesNotMatch(w.text, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
});

test('empty and blank files have no chunks; blank windows are left out but line numbers stay exact', () => {
  assert.deepEqual(chunkLineWindows('e.txt', '', 'plaintext', 'doc', { maxTokens: 100 }), []);
  assert.deepEqual(chunkLineWindows('e.txt', '  \n\n\t\n', 'plaintext', 'doc', { maxTokens: 100 }), []);
  const padded = 'a\n' + ' '.repeat(900) + '\nb\n';
  assert.deepEqual(spans(chunkLineWindows('p.txt', padded, 'plaintext', 'doc', { maxTokens: 100 })), [[1, 1], [3, 3]]);
});

test('a final newline is not a line, and Windows line endings keep their numbering', () => {
  assert.deepEqual(splitLines('a\nb\n'), ['a', 'b']);
  assert.deepEqual(splitLines('a\nb'), ['a', 'b']);
  assert.deepEqual(splitLines(''), []);
  const crlf = 'one\r\ntwo\r\nthree\r\n';
  const chunks = chunkLineWindows('w.bat', crlf, 'bat', 'code', { maxTokens: 100 });
  assert.deepEqual(spans(chunks), [[1, 3]]);
  assert.equal(chunks[0].text, 'one\r\ntwo\r\nthree\r');
});
