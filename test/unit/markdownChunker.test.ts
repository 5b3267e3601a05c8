import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { chunkProse } from '../../src/core/chunk/markdownChunker';
import { FIXTURES } from './helpers';

const guide = fs.readFileSync(path.join(FIXTURES, 'docs/guide.md'), 'utf8');

test('Markdown splits by headings with heading paths and exact line ranges', () => {
  const chunks = chunkProse('docs/guide.md', guide, 'markdown', { maxTokens: 400 });
  assert.deepEqual(
    chunks.map((c) => [c.title, c.startLine, c.endLine]),
    [
      ['guide.md', 1, 3],
      ['Guide', 4, 6],
      ['Guide > Install > Windows', 8, 17],
      ['Guide > Install > Linux', 19, 21],
      ['Guide > Setext heading', 23, 26],
    ],
  );
  const windows = chunks.find((c) => c.title.endsWith('Windows'))!;
  assert.ok(windows.text.includes('# Not a heading'), 'a # line inside a fence is not a heading');
  assert.ok(windows.text.startsWith('## Install'), 'an empty parent heading joins its first child');
  assert.ok(chunks.every((c) => c.kind === 'doc' && c.language === 'markdown' && c.path === 'docs/guide.md'));
  const lines = guide.split('\n');
  for (const c of chunks) assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'));
});

test('a long section splits on paragraph boundaries and keeps a code fence whole', () => {
  const para = (n: number) => `Paragraph ${n} ` + 'word '.repeat(60);
  const fence = ['```ts', ...Array.from({ length: 10 }, (_, i) => `const v${i} = ${i};`), '```'];
  const text = ['# Big', '', para(1), '', para(2), '', ...fence, '', para(3), ''].join('\n');
  const chunks = chunkProse('big.md', text, 'markdown', { maxTokens: 120 });
  assert.ok(chunks.length >= 3);
  for (const c of chunks) {
    assert.equal(c.title, 'Big');
    const opens = (c.text.match(/^```/gm) ?? []).length;
    assert.ok(opens === 0 || opens === 2, `fence kept whole in lines ${c.startLine}-${c.endLine}`);
  }
  const covered = new Set(chunks.flatMap((c) => Array.from({ length: c.endLine - c.startLine + 1 }, (_, i) => c.startLine + i)));
  text.split('\n').forEach((l, i) => {
    if (l.trim()) assert.ok(covered.has(i + 1), `line ${i + 1} covered`);
  });
});

test('reStructuredText headings by underline and overline', () => {
  const text = fs.readFileSync(path.join(FIXTURES, 'docs/manual.rst'), 'utf8');
  const chunks = chunkProse('manual.rst', text, 'restructuredtext', { maxTokens: 400 });
  assert.deepEqual(chunks.map((c) => [c.title, c.startLine, c.endLine]), [
    ['Title', 1, 5],
    ['Title > Section one', 7, 10],
    ['Title > Section one > Subsection', 12, 15],
  ]);
});

test('deeply nested and empty input do not throw', () => {
  assert.deepEqual(chunkProse('e.md', '', 'markdown', { maxTokens: 100 }), []);
  const deep = Array.from({ length: 10000 }, (_, i) => '>'.repeat(i % 50) + ' [' + '('.repeat(i % 20)).join('\n');
  const chunks = chunkProse('deep.md', deep, 'markdown', { maxTokens: 400 });
  assert.ok(chunks.length > 0);
});

test('AsciiDoc section titles (=, ==, …) are heading paths; delimited blocks are not headings', () => {
  const text = [
    '= Operations Guide', // 1
    ':toc:',
    '',
    '== Deploying', // 4
    '',
    'Run the pipeline.',
    '',
    '----', // 8
    '== not a heading inside a listing block',
    '----',
    '',
    '=== Rollback', // 12
    '',
    'Revert the release tag.',
  ].join('\n');
  const chunks = chunkProse('ops.adoc', text, 'asciidoc', { maxTokens: 400 });
  assert.deepEqual(chunks.map((c) => [c.title, c.startLine, c.endLine]), [
    ['Operations Guide', 1, 2],
    ['Operations Guide > Deploying', 4, 10],
    ['Operations Guide > Deploying > Rollback', 12, 14],
  ]);
});
