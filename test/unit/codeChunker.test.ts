import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { createCodeChunker } from '../../src/core/chunk/codeChunker';
import { languageForPath } from '../../src/core/chunk/languages';
import { chunkLineWindows } from '../../src/core/chunk/lineWindowChunker';
import { Chunk } from '../../src/core/types';
import { FIXTURES } from './helpers';

const chunkCode = createCodeChunker();

async function chunksOf(file: string, maxTokens = 400): Promise<Chunk[]> {
  const text = fs.readFileSync(path.join(FIXTURES, 'code', file), 'utf8');
  return chunkCode(file, text, languageForPath(file)!, { maxTokens });
}

const spans = (chunks: Chunk[]) => chunks.map((c) => [c.startLine, c.endLine, c.title]);

/** Every non-blank line of the file is in some chunk, and every chunk's text is exactly its lines. */
function assertCovers(file: string, chunks: Chunk[]): void {
  const lines = fs.readFileSync(path.join(FIXTURES, 'code', file), 'utf8').split('\n');
  const covered = new Set<number>();
  for (const c of chunks) {
    assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'), `${file} ${c.startLine}-${c.endLine} text is its lines`);
    for (let l = c.startLine; l <= c.endLine; l++) covered.add(l);
  }
  lines.forEach((l, i) => assert.ok(!l.trim() || covered.has(i + 1), `${file} line ${i + 1} is covered`));
}

test('languages: extensions and special names map to grammars or line windows', () => {
  assert.deepEqual(languageForPath('a/b.tsx'), { id: 'typescriptreact', grammar: 'tsx' });
  assert.equal(languageForPath('x.h')?.grammar, 'c');
  assert.equal(languageForPath('x.hpp')?.grammar, 'cpp');
  assert.equal(languageForPath('Dockerfile.prod')?.id, 'dockerfile');
  assert.equal(languageForPath('conf.yaml')?.grammar, undefined);
  assert.equal(languageForPath('README.md'), undefined);
});

test('Python: a small file is one chunk per definition group with exact lines', async () => {
  const chunks = await chunksOf('greeter.py', 60);
  assert.deepEqual(spans(chunks), [
    [1, 5, 'top level'],
    [8, 8, 'class Greeter'],
    [9, 9, 'class Greeter > members'],
    [11, 12, 'class Greeter > method __init__'],
    [14, 16, 'class Greeter > method loud'],
    [18, 20, 'class Greeter > method greet'],
    [23, 24, 'function main'],
    [27, 28, 'top level'],
  ]);
  assert.ok(chunks.every((c) => c.kind === 'code' && c.language === 'python'));
  assertCovers('greeter.py', chunks);
});

test('TypeScript: imports, an interface with its doc comment, class members, an arrow function', async () => {
  const chunks = await chunksOf('cart.ts', 60);
  assert.deepEqual(spans(chunks), [
    [1, 2, 'imports'],
    [4, 8, 'interface CartLine'],
    [10, 10, 'class Cart'],
    [11, 11, 'class Cart > members'],
    [13, 17, 'class Cart > method add'],
    [19, 21, 'class Cart > method total'],
    [22, 22, 'class Cart'],
    [24, 24, 'function describeCart'],
  ]);
  assertCovers('cart.ts', chunks);
});

test('a file under the limit keeps whole definitions and merges tiny neighbours', async () => {
  const chunks = await chunksOf('server.go', 400);
  assert.deepEqual(spans(chunks), [
    [1, 6, 'imports'],
    [8, 20, 'type Server, method Server.Handle, function New'],
  ]);
  const tsx = await chunksOf('Button.tsx', 400);
  assert.deepEqual(spans(tsx), [
    [1, 1, 'imports'],
    [3, 7, 'type Props, function Button'],
  ]);
});

test('titles name the symbol and its container in every shipped language', async () => {
  const expectTitles: Record<string, string[]> = {
    'Account.java': ['class Account > constructor Account', 'class Account > method deposit', 'class Account > method balance'],
    'Invoice.cs': ['namespace Billing > class Invoice > constructor Invoice', 'namespace Billing > class Invoice > method WithTax'],
    'matrix.cpp': ['namespace linalg > class Matrix > method at', 'namespace linalg > function trace'],
    'server.go': ['type Server', 'method Server.Handle', 'function New'],
    'stack.rs': ['struct Stack', 'impl Stack<T>', 'impl fmt::Display for Stack<T>'],
    'checksum.c': ['struct checksum_state'],
  };
  for (const [file, titles] of Object.entries(expectTitles)) {
    const chunks = await chunksOf(file, 40);
    const all = chunks.map((c) => c.title).join(' | ');
    for (const t of titles) assert.ok(all.includes(t), `${file}: "${t}" in ${all}`);
    assertCovers(file, chunks);
  }
  for (const file of ['inventory.rb', 'Mailer.php']) assertCovers(file, await chunksOf(file, 40));
});

test('a function over the limit becomes line windows that keep its title', async () => {
  const chunks = await chunksOf('checksum.c', 40);
  const parts = chunks.filter((c) => c.title.startsWith('function checksum_update'));
  assert.ok(parts.length >= 2, JSON.stringify(spans(chunks)));
  assert.deepEqual(parts.map((p) => p.title), parts.map((_, i) => `function checksum_update (part ${i + 1})`));
  assert.equal(parts[0].startLine, 9, 'the comment above the function belongs to it');
  assert.equal(parts[parts.length - 1].endLine, 16);
});

test('a file that does not parse, or an unknown grammar, falls back to line windows and never throws', async () => {
  const broken = await chunksOf('broken.ts', 400);
  assertCovers('broken.ts', broken);
  assert.equal(broken[0].title, 'function ok');
  const garbage = '}}}{{{ ((( ]]] <<<'.repeat(200) + '\n' + ')'.repeat(500);
  const chunks = await chunkCode('x.ts', garbage, { id: 'typescript', grammar: 'typescript' }, { maxTokens: 100 });
  assert.ok(chunks.length > 0 && chunks.every((c) => c.kind === 'code'));
  const unknown = await chunkCode('x.zz', 'a\nb\n', { id: 'zz', grammar: 'no-such-grammar' }, { maxTokens: 100 });
  assert.deepEqual(spans(unknown), [[1, 2, 'x.zz lines 1–2']]);
});

test('deep nesting (10,000 levels) does not overflow the stack', async () => {
  const deep = 'const x = ' + '['.repeat(10000) + ']'.repeat(10000) + ';\nfunction after() { return 1; }\n';
  const chunks = await chunkCode('deep.ts', deep, { id: 'typescript', grammar: 'typescript' }, { maxTokens: 400 });
  assert.ok(chunks.length > 0);
  const py = Array.from({ length: 10000 }, (_, i) => ' '.repeat(Math.min(i, 200)) + 'if x:').join('\n');
  assert.ok((await chunkCode('deep.py', py, { id: 'python', grammar: 'python' }, { maxTokens: 400 })).length > 0);
});

test('line windows: exact ranges, overlap, limits and huge single lines', () => {
  const text = Array.from({ length: 100 }, (_, i) => `line ${i + 1} ${'x'.repeat(30)}`).join('\n') + '\n';
  const chunks = chunkLineWindows('f.txt', text, 'plaintext', 'doc', { maxTokens: 100 });
  const lines = text.split('\n');
  assert.equal(chunks[0].startLine, 1);
  assert.equal(chunks[chunks.length - 1].endLine, 100);
  for (const c of chunks) {
    assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'));
    assert.ok(c.text.length <= 400);
  }
  for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i].startLine <= chunks[i - 1].endLine, 'windows overlap');
  const huge = chunkLineWindows('min.js', 'y'.repeat(5000), 'javascript', 'code', { maxTokens: 100 });
  assert.ok(huge.length >= 12 && huge.every((c) => c.startLine === 1 && c.endLine === 1 && c.text.length <= 400));
  assert.deepEqual(chunkLineWindows('e.txt', '  \n\n', 'plaintext', 'doc', { maxTokens: 100 }), []);
});
