import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs, UsageError } from '../../src/cli/args';
import { usageFor, USAGE } from '../../src/cli/usage';

const VALUED = new Set(['top-k', 'index-dir']);
const SWITCHES = new Set(['json', 'help', 'version']);
const SHORT = new Map([
  ['k', 'top-k'],
  ['h', 'help'],
  ['V', 'version'],
]);
const parse = (...argv: string[]) => parseArgs(argv, VALUED, SWITCHES, SHORT);

test('short options are their long names; -k takes a value, apart or attached', () => {
  assert.deepEqual([...parse('.', '-k', '3', 'install').options], [['top-k', '3']]);
  assert.deepEqual(parse('.', '-k', '3', 'install').positional, ['.', 'install'], '-k 3 is not query text');
  assert.equal(parse('-k7').options.get('top-k'), '7');
  assert.equal(parse('-k=7').options.get('top-k'), '7');
  assert.equal(parse('--top-k=7').options.get('top-k'), '7');
  assert.equal(parse('-V').options.get('version'), true);
  assert.equal(parse('-h').options.get('help'), true);
});

test('an unknown option, long or short, is a usage error naming it, never query text', () => {
  assert.throws(() => parse('.', '-x', 'install'), (e: Error) => e instanceof UsageError && /Unknown option -x \(text that starts with "-" goes after --\)/.test(e.message));
  assert.throws(() => parse('.', '-5'), /Unknown option -5/);
  assert.throws(() => parse('--frobnicate'), /^Error: Unknown option --frobnicate\.$/);
  assert.throws(() => parse('-k'), /-k needs a value/);
  assert.throws(() => parse('--json=yes'), /--json takes no value/);
  assert.throws(() => parse('-hx'), /-h takes no value/);
});

test('-- ends the options; a lone - is a word (stdin)', () => {
  const p = parse('.', '--', '-k', '3', '--json');
  assert.deepEqual(p.positional, ['.', '-k', '3', '--json']);
  assert.equal(p.options.size, 0);
  assert.deepEqual(parse('-').positional, ['-']);
});

test('a usage error shows the synopsis of its command only; an unknown command the whole usage', () => {
  assert.match(usageFor('ask'), /grounded ask <folder> <question>/);
  assert.doesNotMatch(usageFor('ask'), /grounded status/);
  assert.equal(usageFor('frobnicate'), USAGE);
  assert.equal(usageFor('constructor'), USAGE, 'an inherited property is not a command');
  assert.equal(usageFor(undefined), USAGE);
});
