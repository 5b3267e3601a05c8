import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkTokens, LexicalIndex, tokenizeFileSteps } from '../../src/core/lexical/lexicalIndex';
import { checkLexicalState, LexicalState } from '../../src/core/lexical/lexicalState';
import { decodeSnapshot, encodeSnapshot } from '../../src/core/lexical/snapshotCodec';
import { tokenize } from '../../src/core/lexical/tokenize';
import { Chunk } from '../../src/core/types';

function file(path: string, texts: string[], kind: 'code' | 'doc' = 'code'): (Chunk & { id: string })[] {
  return texts.map((text, i) => ({ id: `${path}#${i}:${text.length}`, path, startLine: i * 10 + 1, endLine: i * 10 + 9, language: 'python', kind, title: kind === 'code' ? `class Store > method save_${i}` : `Guide > Saving ${i}`, text }));
}

/** A file as an open restores it: from the snapshot's place `from`, or (-1) tokenized from its chunks. */
function restoring(chunks: (Chunk & { id: string })[], from: number) {
  return { path: chunks[0].path, chunkCount: chunks.length, chars: chunks.reduce((n, c) => n + c.text.length, 0), from, chunks };
}

/** Everything that decides a ranking, independent of the order terms were first seen in. */
function canonical(index: LexicalIndex) {
  const s = index.exportState();
  const field = (f: LexicalState['body']) => {
    const byTerm: Record<string, string> = {};
    let at = 0;
    f.terms.forEach((t, i) => {
      const run: string[] = [];
      for (const end = at + f.counts[i]; at < end; at++) run.push(`${f.slots[at]}:${f.tfs[at]}`);
      byTerm[t] = run.sort().join(' ');
    });
    return { byTerm, lengths: [...f.lengths] };
  };
  const names = s.symbols.names.map((n) => `${n}=${[...index.symbols.lookup(n)].join(',')}`).sort();
  return { body: field(s.body), titles: field(s.titles), files: field(s.files), paths: field(s.paths), names, paths_: [...index.allPaths()], table: s.table };
}

test('a restored lexical index has exactly the slots, statistics, path order and symbol order of one built in the same order', () => {
  const a = file('src/a.py', ['def save(record): return record', 'def load(path): open(path) save load']);
  const b = file('src/b.py', ['class Store: def save(self): pass']);
  const c = file('docs/c.md', ['Saving a record writes it to the store.', 'Loading reads it back.'], 'doc');
  const d = file('src/d.py', ['def save_all(records): for r in records: save(r)']);
  const a2 = file('src/a.py', ['def save(record, retries): return record', 'def load(path): open(path)']);
  // The writer's history: its slots are in the order files came and changed, with dead slots between.
  const writer = new LexicalIndex();
  for (const f of [a, b, c, d]) writer.addFile(f);
  writer.addFile(a2);
  writer.removeFile('src/b.py');
  const state = decodeSnapshot(encodeSnapshot({ analysis: 'x', layout: 'y', stamps: [] }, writer.exportState())).state;
  const place = (p: string) => state.table.paths.indexOf(p);
  // The store's order on open differs from the writer's; d is not in the snapshot's shard (tokenized), e is new.
  const e = file('src/e.py', ['def save(x): return x']);
  const order = [restoring(d, -1), restoring(c, place('docs/c.md')), restoring(e, -1), restoring(a2, place('src/a.py'))];
  const restored = new LexicalIndex();
  const slots = restored.restore(state, order);
  const built = new LexicalIndex();
  const builtSlots = order.map((o) => built.addFile(o.chunks));
  assert.deepEqual(slots, builtSlots);
  assert.deepEqual(canonical(restored), canonical(built));
  for (const q of [['save'], ['load', 'path'], ['record', 'store'], ['saving']]) {
    assert.deepEqual(restored.body.search(q, 10), built.body.search(q, 10), q.join(' '));
    assert.deepEqual(restored.files.search(q, 10), built.files.search(q, 10), q.join(' '));
  }
  // Both keep working alike: an edit and a removal after the restore.
  for (const index of [restored, built]) {
    index.removeFile('docs/c.md');
    index.addFile(file('src/d.py', ['def save_all(records): pass']));
  }
  assert.deepEqual(canonical(restored), canonical(built));
  assert.deepEqual(restored.body.search(['save'], 10), built.body.search(['save'], 10));
});

test('a snapshot state that counts a slot twice in one term, names a term twice or points outside is refused', () => {
  const index = new LexicalIndex();
  index.addFile(file('src/a.py', ['def save(record): return record']));
  const encode = (s: LexicalState) => encodeSnapshot({ analysis: 'x', layout: 'y', stamps: [] }, s);
  const fresh = () => decodeSnapshot(encode(index.exportState())).state;
  const outside = fresh();
  outside.body.slots = Uint32Array.from(outside.body.slots, () => 7);
  assert.throws(() => checkLexicalState(outside), /out of range/);
  const twice = fresh();
  const t = twice.body.counts.findIndex((n) => n === 1);
  twice.body.counts = Uint32Array.from(twice.body.counts, (n, i) => (i === t ? 2 : i === t + 1 ? n - 1 : n));
  twice.body.slots = Uint32Array.from(twice.body.slots, (s, i) => (i === t + 1 ? twice.body.slots[t] : s));
  assert.throws(() => checkLexicalState(twice), /twice|no document/);
  const dup = fresh();
  dup.body.terms = dup.body.terms.map((term, i) => (i === 1 ? dup.body.terms[0] : term));
  checkLexicalState(dup);
  assert.throws(() => new LexicalIndex().restore(dup, [restoring(file('src/a.py', ['def save(record): return record']), 0)]), /twice/);
});

test('a file whose chunks can no longer be read is removed from every field as exactly as one whose chunks are known', () => {
  const files = [file('src/a.py', ['def save(record): return record', 'def load(path): open(path) save load']), file('src/b.py', ['class Store: def save(self): pass']), file('docs/c.md', ['Saving a record writes it to the store.'], 'doc')];
  // The source lost a.py (its shard was damaged): its removal must find its postings without its text.
  let lost = false;
  const blind = new LexicalIndex((p) => (lost && p === 'src/a.py' ? undefined : files.find((f) => f[0].path === p)));
  const exact = new LexicalIndex();
  for (const index of [blind, exact]) for (const f of files) index.addFile(f);
  lost = true;
  blind.removeFile('src/a.py');
  exact.removeFile('src/a.py');
  assert.deepEqual(canonical(blind), canonical(exact));
  for (const q of [['save'], ['load', 'path'], ['record', 'store']]) {
    assert.deepEqual(blind.body.search(q, 10), exact.body.search(q, 10), q.join(' '));
    assert.deepEqual(blind.files.search(q, 10), exact.files.search(q, 10), q.join(' '));
    assert.equal(blind.body.idf(q[0]), exact.body.idf(q[0]));
  }
  assert.equal(blind.symbols.lookup('save').size, exact.symbols.lookup('save').size);
  assert.equal(blind.textChars, exact.textChars);
});

test('a chunk is read from its source only as indexed: a source holding other chunks for the path gives none', () => {
  const a = file('src/a.py', ['def save(record): return record']);
  let current = a;
  const index = new LexicalIndex((p) => (p === 'src/a.py' ? current : undefined));
  const [slot] = index.addFile(a);
  assert.equal(index.chunk(slot)?.text, a[0].text);
  current = file('src/a.py', ['def save(record, retries): return record']);
  assert.equal(index.chunk(slot), undefined);
  assert.equal(index.pathOf(slot), 'src/a.py');
});

test('a file tokenized in steps gives every field the tokens tokenizing it at once gives, and yields between its chunks', () => {
  const big = file('docs/CHANGELOG.md', Array.from({ length: 70 }, (_, i) => `Fixed handle_requests in v${i}.2: sortingTokens and $jquery_Plugin naïve café`), 'doc');
  const steps = tokenizeFileSteps(big);
  let yields = 0;
  let next = steps.next();
  for (; !next.done; next = steps.next()) yields++;
  assert.ok(yields >= 4, `${yields} steps for 70 chunks`);
  next.value.chunkTokens.forEach((tokens, i) => assert.deepEqual(tokens, chunkTokens(big[i])));
  assert.deepEqual(next.value.fileTokens, [...tokenize('docs/CHANGELOG.md'), ...big.flatMap((c) => tokenize(c.text))]);
  const stepped = new LexicalIndex();
  stepped.addTokenized(next.value);
  const atOnce = new LexicalIndex();
  atOnce.addFile(big);
  assert.deepEqual(canonical(stepped), canonical(atOnce));
});
