import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { createCodeChunker } from '../../src/core/chunk/codeChunker';
import { createGrammarLoader, defaultWasmLocation } from '../../src/core/chunk/grammars';
import { LanguageInfo, languageForPath, SHIPPED_GRAMMARS } from '../../src/core/chunk/languages';
import { SYNTAX } from '../../src/core/chunk/syntaxTables';
import { splitLines } from '../../src/core/chunk/lineWindowChunker';
import { approxTokens, Chunk } from '../../src/core/types';

const CODE = path.resolve(__dirname, '../../../test/fixtures/code');
const logged: string[] = [];
const chunkCode = createCodeChunker(undefined, (m) => logged.push(m));

const read = (file: string) => fs.readFileSync(path.join(CODE, file), 'utf8');
const spans = (chunks: Chunk[]) => chunks.map((c) => [c.startLine, c.endLine, c.title]);
const lang = (grammar: string, id = grammar): LanguageInfo => ({ id, grammar });

async function chunksOf(file: string, maxTokens: number): Promise<Chunk[]> {
  const info = languageForPath(file);
  assert.ok(info?.grammar, `${file} has a grammar`);
  return chunkCode(file, read(file), info, { maxTokens });
}

/**
 * What every chunking must give: each non-blank line in some chunk, each chunk's text exactly its
 * lines (or a piece of its one line), nothing over the limit.
 */
function assertSound(text: string, chunks: Chunk[], maxTokens: number, label: string): void {
  const lines = splitLines(text);
  const covered = new Uint8Array(lines.length + 2);
  for (const c of chunks) {
    assert.ok(c.startLine >= 1 && c.startLine <= c.endLine && c.endLine <= lines.length, `${label}: ${c.startLine}-${c.endLine} is in the file`);
    const own = lines.slice(c.startLine - 1, c.endLine).join('\n');
    if (c.startLine === c.endLine && own.length > c.text.length) assert.ok(own.includes(c.text), `${label}: line ${c.startLine} holds its piece`);
    else assert.equal(c.text, own, `${label}: ${c.startLine}-${c.endLine} is its lines`);
    assert.ok(approxTokens(c.text) <= maxTokens, `${label}: ${c.title} is within ${maxTokens} tokens`);
    for (let l = c.startLine; l <= c.endLine; l++) covered[l] = 1;
  }
  lines.forEach((l, i) => assert.ok(!l.trim() || covered[i + 1], `${label}: line ${i + 1} is in a chunk`));
}

const FIXTURES = fs.readdirSync(CODE).filter((f) => languageForPath(f)?.grammar);

test('every fixture at every limit: all lines covered, texts exact, chunks within the limit, kind and language set', async () => {
  assert.ok(FIXTURES.length >= 20);
  for (const file of FIXTURES) {
    for (const maxTokens of [16, 40, 100, 400]) {
      const chunks = await chunksOf(file, maxTokens);
      assert.ok(chunks.length > 0, file);
      assertSound(read(file), chunks, maxTokens, `${file}@${maxTokens}`);
      assert.ok(chunks.every((c) => c.kind === 'code' && c.language === languageForPath(file)?.id && c.path === file));
    }
  }
});

test('every shipped grammar loads and chunks by syntax', async () => {
  const byGrammar = new Map(FIXTURES.map((f) => [languageForPath(f)!.grammar!, f]));
  assert.deepEqual(Object.keys(SYNTAX).sort(), [...SHIPPED_GRAMMARS].sort(), 'a syntax table for each shipped grammar, and no other');
  for (const grammar of SHIPPED_GRAMMARS) {
    const file = byGrammar.get(grammar);
    assert.ok(file, `a fixture for ${grammar}`);
    const chunks = await chunksOf(file, 40);
    assert.ok(!chunks.some((c) => / lines \d+–\d+$/.test(c.title)), `${grammar} (${file}) is chunked by syntax: ${chunks.map((c) => c.title).join(' | ')}`);
  }
  assert.deepEqual(logged, []);
});

test('Python: methods titled by their class, decorators and docstrings kept with their definition', async () => {
  assert.deepEqual(spans(await chunksOf('greeter.py', 40)), [
    [1, 5, 'top level'],
    [8, 9, 'class Greeter'],
    [11, 12, 'class Greeter > method __init__'],
    [14, 16, 'class Greeter > method loud'],
    [18, 20, 'class Greeter > method greet'],
    [23, 24, 'function main'],
    [27, 28, 'top level'],
  ]);
  assert.deepEqual(spans(await chunksOf('greeter.py', 400)), [
    [1, 5, 'top level'],
    [8, 20, 'class Greeter'],
    [23, 28, 'function main'],
  ]);
});

test('TypeScript: imports, a doc comment with its interface, a split class, an arrow function', async () => {
  assert.deepEqual(spans(await chunksOf('cart.ts', 40)), [
    [1, 2, 'imports'],
    [4, 8, 'interface CartLine'],
    [10, 11, 'class Cart'],
    [13, 15, 'class Cart > method add (part 1)'],
    [16, 17, 'class Cart > method add (part 2)'],
    [19, 22, 'class Cart > method total'],
    [24, 24, 'function describeCart'],
  ]);
  assert.deepEqual(spans(await chunksOf('cart.ts', 400)), [
    [1, 2, 'imports'],
    [4, 8, 'interface CartLine'],
    [10, 22, 'class Cart'],
    [24, 24, 'function describeCart'],
  ]);
});

test('decorators, doc comments and attributes above a definition belong to its chunk', async () => {
  assert.deepEqual(spans(await chunksOf('panel.ts', 40)), [
    [1, 1, 'imports'],
    [3, 6, 'class Panel'],
    [8, 12, 'class Panel > method toggle'],
    [14, 17, 'class Panel > method onResize'],
  ]);
  const rust = await chunksOf('stack.rs', 40);
  assert.deepEqual(spans(rust), [
    [1, 1, 'imports'],
    [3, 7, 'struct Stack'],
    [9, 9, 'impl Stack<T>'],
    [10, 12, 'impl Stack<T> > fn new'],
    [14, 17, 'impl Stack<T> > fn push'],
    [19, 23, 'impl fmt::Display for Stack<T>'],
  ]);
  assert.match(rust[1].text, /^\/\/\/ A stack of values\.\n#\[derive\(Debug, Default\)\]\npub struct/);
  // Kotlin's grammar puts the class's doc comment inside the import list above it.
  const kotlin = await chunksOf('Temperature.kt', 40);
  assert.deepEqual(spans(kotlin).slice(0, 2), [
    [1, 3, 'imports'],
    [5, 6, 'class Temperature'],
  ]);
});

test('a class over the limit splits into its own lines and its methods; its closing lines end the last one', async () => {
  assert.deepEqual(spans(await chunksOf('Account.java', 60)), [
    [1, 4, 'imports'],
    [6, 7, 'class Account'],
    [9, 10, 'class Account > constructor Account'],
    [12, 18, 'class Account > method deposit'],
    [20, 23, 'class Account > method balance'],
  ]);
  assert.deepEqual(spans(await chunksOf('Invoice.cs', 40)), [
    [1, 1, 'imports'],
    [3, 4, 'namespace Billing'],
    [5, 6, 'namespace Billing > class Invoice'],
    [7, 7, 'namespace Billing > class Invoice > property Amount'],
    [9, 12, 'namespace Billing > class Invoice > constructor Invoice'],
    [14, 19, 'namespace Billing > class Invoice > method WithTax'],
  ]);
  assert.deepEqual(spans(await chunksOf('matrix.cpp', 40)), [
    [1, 1, 'imports'],
    [3, 3, 'namespace linalg'],
    [5, 6, 'namespace linalg > class Matrix'],
    [7, 7, 'namespace linalg > class Matrix > method Matrix'],
    [9, 9, 'namespace linalg > class Matrix > method at'],
    [11, 15, 'namespace linalg > class Matrix > members'],
    [17, 23, 'namespace linalg > function trace'],
  ]);
  assert.deepEqual(spans(await chunksOf('inventory.rb', 40)), [
    [1, 1, 'top level'],
    [3, 3, 'module Shop'],
    [4, 13, 'module Shop > class Inventory'],
  ]);
});

test('a function over the limit becomes line windows that keep its title, its comment included', async () => {
  assert.deepEqual(spans(await chunksOf('checksum.c', 40)), [
    [1, 2, 'imports'],
    [4, 7, 'struct checksum_state'],
    [9, 10, 'function checksum_update (part 1)'],
    [11, 16, 'function checksum_update (part 2)'],
  ]);
  const long = 'def crunch(values):\n' + Array.from({ length: 60 }, (_, i) => `    values[${i}] = values[${i}] * ${i} + 1`).join('\n') + '\n';
  const chunks = await chunkCode('crunch.py', long, lang('python'), { maxTokens: 100 });
  assert.ok(chunks.length >= 5);
  assert.deepEqual(chunks.map((c) => c.title), chunks.map((_, i) => `function crunch (part ${i + 1})`));
  assert.equal(chunks[0].startLine, 1);
  assert.equal(chunks.at(-1)?.endLine, 61);
  assertSound(long, chunks, 100, 'crunch.py');
});

test('tiny neighbours merge while the result stays under the limit; the imports stay apart', async () => {
  assert.deepEqual(spans(await chunksOf('server.go', 400)), [
    [1, 6, 'imports'],
    [8, 20, 'type Server, method Server.Handle, function New'],
  ]);
  const helpers = "import { z } from 'z';\n\n" + Array.from({ length: 40 }, (_, i) => `export const k${i} = (x: number) => x + ${i};`).join('\n') + '\n';
  const chunks = await chunkCode('helpers.ts', helpers, lang('typescript'), { maxTokens: 200 });
  assert.deepEqual(chunks[0].title, 'imports');
  assert.ok(chunks.length > 2 && chunks.length < 12, `${chunks.length} chunks`);
  assert.equal(chunks[1].title, 'function k0, function k1, function k2, function k3, …');
  assertSound(helpers, chunks, 200, 'helpers.ts');
  // Members of a split class merge among themselves, never with what is outside the class.
  const big = 'class Big {\n' + Array.from({ length: 80 }, (_, i) => `  m${i}() { return ${i}; }`).join('\n') + '\n}\nfunction after() { return 0; }\n';
  const split = await chunkCode('big.ts', big, lang('typescript'), { maxTokens: 200 });
  assert.equal(split[0].title, 'class Big');
  assert.ok(split.slice(1, -1).every((c) => c.title.startsWith('class Big > method m')));
  assert.equal(split.at(-1)?.title, 'function after');
  assertSound(big, split, 200, 'big.ts');
});

test('titles use each language\'s own words for its definitions', async () => {
  const titles = async (file: string, maxTokens = 40) => (await chunksOf(file, maxTokens)).map((c) => c.title);
  assert.deepEqual(await titles('Shapes.swift'), ['imports', 'protocol Shape', 'struct Circle', 'class Canvas', 'enum Unit', 'extension Circle', 'function totalArea']);
  assert.deepEqual(await titles('Temperature.kt'), [
    'imports',
    'class Temperature',
    'class Temperature > method toFahrenheit',
    'class Temperature > method rounded',
    'class Temperature > members',
    'class Temperature > method freezing',
    'interface Sensor',
    'object Thermometer',
    'function describe',
  ]);
  assert.deepEqual(await titles('Ledger.scala'), ['imports', 'class Ledger', 'class Ledger > method record', 'class Ledger > method balance', 'trait Auditor', 'object Ledger', 'class Entry']);
  assert.deepEqual(await titles('server.go'), ['imports', 'type Server', 'method Server.Handle', 'function New']);
  assert.deepEqual(await titles('queue.js'), [
    'top level',
    'class WorkQueue',
    'class WorkQueue > method constructor',
    'class WorkQueue > method push',
    'class WorkQueue > method size',
    'function drain',
    'function isEmpty',
    'top level',
  ]);
  assert.deepEqual(await titles('vector.lua'), ['top level', 'function Vector.new', 'function Vector:length', 'function clamp', 'top level']);
  assert.deepEqual(await titles('deploy.sh'), ['top level', 'function build', 'function upload', 'top level']);
  assert.deepEqual(await titles('Mailer.php'), ['imports', 'class Mailer', 'class Mailer > method __construct', 'class Mailer > method send']);
  assert.deepEqual(await titles('Button.tsx'), ['imports', 'type Props', 'function Button']);
});

test('definitions inside an include guard or a file-scoped namespace are found', async () => {
  assert.deepEqual(spans(await chunksOf('ring_buffer.h', 40)), [
    [1, 4, 'top level'],
    [6, 10, 'type ring_buffer (part 1)'],
    [10, 12, 'type ring_buffer (part 2)'],
    [14, 15, 'top level'],
    [17, 21, 'function ring_used'],
  ]);
  assert.deepEqual(spans(await chunksOf('Money.cs', 40)), [
    [1, 3, 'namespace Billing'],
    [5, 7, 'namespace Billing > record Money'],
    [8, 10, 'namespace Billing > record Money > method ToString'],
    [12, 15, 'namespace Billing > class MoneyMath'],
  ]);
  assert.deepEqual(spans(await chunksOf('Money.cs', 400)), [[1, 15, 'namespace Billing']]);
});

test('a file the parser cannot make sense of falls back to line windows', async () => {
  assert.deepEqual(spans(await chunksOf('broken.ts', 400)), [[1, 8, 'broken.ts lines 1–8']]);
  for (const garbage of ['('.repeat(5000), '}}}{{{ ((( ]]] <<<'.repeat(300) + '\n' + ')'.repeat(500)]) {
    const chunks = await chunkCode('x.ts', garbage, lang('typescript'), { maxTokens: 100 });
    assert.ok(chunks.length > 0);
    assertSound(garbage, chunks, 100, 'garbage');
  }
  // A local mistake does not cost the rest of the file its structure.
  const mostlyFine = 'def one():\n    return 1\n\ndef two(:\n    return 2\n\ndef three():\n    return 3\n';
  const chunks = await chunkCode('m.py', mostlyFine, lang('python'), { maxTokens: 16 });
  assert.equal(chunks[0].title, 'function one');
  assertSound(mostlyFine, chunks, 16, 'm.py');
});

test('an unknown grammar, a grammar with no syntax table, or a grammar that does not load fall back to line windows', async () => {
  const log: string[] = [];
  const chunker = createCodeChunker(undefined, (m) => log.push(m));
  assert.deepEqual(spans(await chunker('x.zz', 'a\nb\n', lang('no_such_grammar', 'zz'), { maxTokens: 100 })), [[1, 2, 'x.zz lines 1–2']]);
  assert.deepEqual(spans(await chunker('x.zz', 'a\n', lang('../../etc/passwd', 'zz'), { maxTokens: 100 })), [[1, 1, 'x.zz lines 1–1']]);
  assert.deepEqual(spans(await chunker('c.json', '{\n  "a": 1\n}\n', { id: 'json' }, { maxTokens: 100 })), [[1, 3, 'c.json lines 1–3']]);
  assert.equal(log.length, 0, 'nothing was tried, so nothing failed');

  const nowhere = createCodeChunker({ ...defaultWasmLocation(), grammarDir: path.join(CODE, 'no-grammars-here') }, (m) => log.push(m));
  const text = read('cart.ts');
  for (let i = 0; i < 2; i++) {
    const chunks = await nowhere('cart.ts', text, lang('typescript'), { maxTokens: 100 });
    assert.ok(chunks.length > 0 && chunks.every((c) => / lines \d+–\d+$/.test(c.title)));
    assertSound(text, chunks, 100, 'cart.ts without grammars');
  }
  assert.equal(log.length, 1, 'the failure is reported once');
  assert.match(log[0], /typescript grammar could not be loaded/);
});

test('the grammar loader refuses names that are not grammar names', async () => {
  const log: string[] = [];
  const load = createGrammarLoader(defaultWasmLocation(), (m) => log.push(m));
  assert.equal(await load('../../../etc/passwd'), undefined);
  assert.ok(await load('python'));
  assert.equal(log.length, 1);
});

test('an empty or blank file has no chunks', async () => {
  assert.deepEqual(await chunkCode('e.ts', '', lang('typescript'), { maxTokens: 100 }), []);
  assert.deepEqual(await chunkCode('e.py', '\n  \n\t\n', lang('python'), { maxTokens: 100 }), []);
});

test('Windows line endings keep exact line numbers', async () => {
  const text = read('greeter.py').replace(/\n/g, '\r\n');
  const chunks = await chunkCode('greeter.py', text, lang('python'), { maxTokens: 40 });
  assert.deepEqual(spans(chunks), spans(await chunksOf('greeter.py', 40)));
  assertSound(text, chunks, 40, 'greeter.py (CRLF)');
});

test('deep nesting (10,000 levels) neither overflows the stack nor loses lines', async () => {
  const cases: [string, string, string][] = [
    ['deep.ts', 'typescript', 'const x = ' + '['.repeat(10000) + ']'.repeat(10000) + ';\nfunction after() { return 1; }\n'],
    ['deep.js', 'javascript', 'f(' + '{a:'.repeat(10000) + '1' + '}'.repeat(10000) + ');\n'],
    ['deep.py', 'python', Array.from({ length: 10000 }, (_, i) => ' '.repeat(Math.min(i, 400)) + 'if x:').join('\n') + '\n' + ' '.repeat(401) + 'pass\n'],
    ['deep.cpp', 'cpp', 'namespace a {\n'.repeat(10000) + 'int f() { return 1; }\n' + '}\n'.repeat(10000)],
    ['deep.rb', 'ruby', 'module M\n'.repeat(3000) + 'def f; end\n' + 'end\n'.repeat(3000)],
  ];
  for (const [file, grammar, text] of cases) {
    const chunks = await chunkCode(file, text, lang(grammar), { maxTokens: 400 });
    assert.ok(chunks.length > 0, file);
    assertSound(text, chunks, 400, file);
  }
});

test('a parse over its time budget falls back, and the parser is whole again for the next file', async () => {
  const log: string[] = [];
  const hurried = createCodeChunker(undefined, (m) => log.push(m), { parseTimeoutMs: 20 });
  // Error recovery on random punctuation is slow: this takes the parser far longer than 20 ms.
  let seed = 7;
  const noise = Array.from({ length: 200_000 }, () => '{}()[];,<>=+-*/"\'`\n x'[(seed = (seed * 1103515245 + 12345) % 2147483648) % 22]).join('');
  const chunks = await hurried('noise.ts', noise, lang('typescript'), { maxTokens: 400 });
  assert.ok(chunks.every((c) => / lines \d+–\d+$/.test(c.title)));
  assertSound(noise, chunks, 400, 'noise.ts');
  assert.match(log.join('\n'), /took over 20 ms/);
  assert.deepEqual(spans(await hurried('cart.ts', read('cart.ts'), lang('typescript'), { maxTokens: 400 })), spans(await chunksOf('cart.ts', 400)));
});

test('two chunkers in one process share the tree-sitter runtime safely', async () => {
  const other = createCodeChunker();
  const a = await other('stack.rs', read('stack.rs'), lang('rust'), { maxTokens: 40 });
  const b = await chunksOf('Account.java', 40);
  const c = await other('Account.java', read('Account.java'), lang('java'), { maxTokens: 40 });
  assert.deepEqual(spans(a), spans(await chunksOf('stack.rs', 40)));
  assert.deepEqual(spans(b), spans(c));
});

test('languages: extensions and special names map to a grammar, to line windows, or to nothing', () => {
  assert.deepEqual(languageForPath('a/b.tsx'), { id: 'typescriptreact', grammar: 'tsx' });
  assert.deepEqual(languageForPath('src/x.mts'), { id: 'typescript', grammar: 'typescript' });
  assert.deepEqual(languageForPath('lib/x.cjs'), { id: 'javascript', grammar: 'javascript' });
  assert.deepEqual(languageForPath('x.pyi'), { id: 'python', grammar: 'python' });
  assert.deepEqual(languageForPath('A.CS'), { id: 'csharp', grammar: 'c_sharp' });
  assert.equal(languageForPath('x.h')?.grammar, 'c');
  assert.equal(languageForPath('x.hpp')?.grammar, 'cpp');
  assert.equal(languageForPath('build.gradle.kts')?.grammar, 'kotlin');
  assert.equal(languageForPath('run.bash')?.grammar, 'bash');
  assert.equal(languageForPath('Gemfile')?.grammar, 'ruby');
  assert.deepEqual(languageForPath('docker/Dockerfile.prod'), { id: 'dockerfile' });
  assert.deepEqual(languageForPath('Makefile'), { id: 'makefile' });
  for (const file of ['conf.yaml', 'a.json', 'q.sql', 's.scss', 'p.proto', 'schema.graphql', 'app.vue', 'x.ini', 'main.dart']) {
    const info = languageForPath(file);
    assert.ok(info && !info.grammar, file);
  }
  for (const file of ['README.md', 'guide.mdx', 'notes.txt', 'manual.rst', 'image.png', 'noext']) assert.equal(languageForPath(file), undefined, file);
  // The answer is a copy: changing it does not change the table.
  languageForPath('a.ts')!.grammar = 'python';
  assert.equal(languageForPath('a.ts')?.grammar, 'typescript');
});

test('files of every language chunked at once (grammars loading concurrently) are all chunked by syntax', async () => {
  const messages: string[] = [];
  const fresh = createCodeChunker(undefined, (m) => messages.push(m));
  const files = FIXTURES.filter((f) => f !== 'broken.ts'); // made to fall back
  const all = await Promise.all(files.map((f) => fresh(f, read(f), languageForPath(f)!, { maxTokens: 40 })));
  assert.deepEqual(messages, []);
  all.forEach((chunks, i) => assert.ok(!chunks.some((c) => / lines \d+–\d+$/.test(c.title)), `${files[i]} is chunked by syntax`));
});
