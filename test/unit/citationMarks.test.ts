import assert from 'node:assert/strict';
import { test } from 'node:test';
import { citationMarks } from '../../src/core/answer/citationMarks';

/** What a chat view shows: text as is, each citation as ⟨n⟩. */
function recorder() {
  let shown = '';
  const target = {
    text(value: string) {
      shown += value;
    },
    citation(n: number) {
      shown += `⟨${n}⟩`;
    },
  };
  return { target, shown: () => shown };
}

const SNIPPETS = 5;
// Five snippets: [1]..[4] and a fifth; [12] and [7] are numbers with no snippet and stay text.
const ANSWER =
  'Call support with your order number." [3] Then [1][2] this method will [x] retry [12] or [4], [7]; see [5] and [ 1] or [a1] ' +
  '[12' + ' and [ends with [';

/** The answer with every citation of a snippet turned into ⟨n⟩ and everything else left as it was. */
function expected(text: string): string {
  return text.replace(/\[(\d{1,3})\]/g, (m, n) => (Number(n) >= 1 && Number(n) <= SNIPPETS ? `⟨${n}⟩` : m));
}

function run(pieces: string[]): string {
  const r = recorder();
  const linker = citationMarks(SNIPPETS, r.target);
  for (const p of pieces) linker.push(p);
  linker.end();
  return r.shown();
}

test('a piece ending in "[" does not repeat the text before it', () => {
  assert.equal(run(['…your order number." [', '3] Done.']), '…your order number." ⟨3⟩ Done.');
  assert.equal(run(['this method will [', 'x] not cite']), 'this method will [x] not cite');
});

test('every split point of a citation, and random chunkings of an answer, show the text once with citations linked', () => {
  for (let at = 0; at <= ANSWER.length; at++) assert.equal(run([ANSWER.slice(0, at), ANSWER.slice(at)]), expected(ANSWER), `split at ${at}`);
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let trial = 0; trial < 500; trial++) {
    const pieces: string[] = [];
    for (let i = 0; i < ANSWER.length; ) {
      const len = 1 + Math.floor(random() * 6);
      pieces.push(ANSWER.slice(i, i + len));
      i += len;
    }
    assert.equal(run(pieces), expected(ANSWER), JSON.stringify(pieces));
  }
});

test('the cited snippets are reported in the order they were first cited', () => {
  const r = recorder();
  const linker = citationMarks(SNIPPETS, r.target);
  for (const ch of 'See [3], then [1] and [3] again, [9] is no snippet.') linker.push(ch);
  linker.end();
  assert.deepEqual(linker.cited(), [3, 1]);
});
