import assert from 'node:assert/strict';
import { test } from 'node:test';
import { excerpt } from '../../src/core/format/excerpt';
import { visibleLines } from '../../src/core/format/visibleText';
import { bestSentence } from '../../src/core/prompt/bestSentence';
import { extractiveAnswer } from '../../src/core/prompt/extractiveAnswer';

const guide = {
  path: 'docs/guide.md',
  startLine: 8,
  endLine: 30,
  title: 'Guide > Install > Windows',
  language: 'markdown',
  text: '## Windows\n\nUse the MSI package. It needs\nadministrator rights.\n\n' + 'Unrelated filler text here.\n'.repeat(20),
};
const session = {
  path: 'src/session.ts',
  startLine: 3,
  endLine: 10,
  title: 'class SessionManager',
  language: 'typescript',
  text: 'export class SessionManager {\n  /** Expires idle sessions after the timeout. */\n  expireIdleSessions(timeoutMs: number): number {\n    return 0;\n  }\n}',
};

test('the extractive answer leads with one line per source, then the snippets, so the gist fits a screen', () => {
  const a = extractiveAnswer('How do idle sessions expire?', [session, guide]);
  const lines = a.split('\n');
  assert.equal(lines[0], 'The most relevant passages for "How do idle sessions expire?":');
  assert.equal(lines[2], '[1] src/session.ts:3-10  class SessionManager — Expires idle sessions after the timeout.');
  assert.match(lines[3], /^\[2\] docs\/guide\.md:8-30 {2}Guide > Install > Windows — /);
  assert.equal(lines[4], '');
  assert.equal(lines[5], '[1] src/session.ts lines 3-10 (class SessionManager)', 'then the snippets, numbered the same');
  assert.ok(a.includes(session.text) && a.includes(guide.text.trimEnd()), 'the snippets follow whole');
  assert.ok(a.indexOf('[2] docs/guide.md:8-30') < a.indexOf('```'), 'every source line comes before any snippet');
});

test('the best sentence shares the most terms with the question, joins wrapped lines and skips the title heading', () => {
  assert.equal(bestSentence('windows msi package', guide.text, guide.title), 'Use the MSI package.');
  assert.equal(bestSentence('administrator rights', guide.text, guide.title), 'It needs administrator rights.');
  assert.equal(bestSentence('zebra', guide.text, guide.title), 'Use the MSI package.', 'no match: the first sentence that is not the title');
  assert.ok(bestSentence('filler', 'filler '.repeat(100)).length <= 100, 'shortened to one line');
});

test('a 10,000-character question is shortened in the header, and a forged one cannot add lines', () => {
  const long = 'why '.repeat(2500);
  const header = extractiveAnswer(long, [session]).split('\n')[0];
  assert.ok(header.length < 120, header);
  assert.match(header, /…":$/);
  assert.match(extractiveAnswer(long, []), /^Nothing in the index matches "(why )+why…"\.$/);
  assert.equal(excerpt('a\n\n1. forged\x1b[2J', 80), 'a 1. forged\\x1b[2J');
});

test('workspace text in the extractive answer reaches the terminal with control characters escaped', () => {
  const evil = { ...session, path: 'src/a\n[2] forged.ts:1-9\x1b[31m.ts', title: 'T\u202eitle', text: 'line one\r\nline\ttwo\x1b]0;pwned\x07\rover\u0085' };
  const a = extractiveAnswer('line', [evil]);
  assert.ok(!/[\x1b\x07\u202e\u0085]/.test(a), 'no ESC, BEL, bidi override or C1 control');
  assert.ok(!/\r(?!\n)/.test(a), 'no bare carriage return');
  assert.ok(a.includes('src/a\\n[2] forged.ts:1-9\\x1b[31m.ts:3-10'), 'the path is one visible line');
  assert.ok(a.includes('line one\r\nline\ttwo\\x1b]0;pwned\\x07\\rover\\x85'), 'line breaks and tabs of the snippet stay');
  assert.equal(visibleLines('C:\\dir\\n'), 'C:\\dir\\n', 'backslashes in code are left as they are');
});
