import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshnessLine, terminalProgress } from '../../src/cli/indexProgress';
import { IndexSummary } from '../../src/core/engine';

test('terminal progress rewrites one line at most every 100 ms and clears it before results', () => {
  const written: string[] = [];
  let now = 1_000;
  const p = terminalProgress({ write: (t) => written.push(t) }, () => now);
  p.clear();
  assert.deepEqual(written, [], 'nothing to clear before anything was shown');
  p.update({ phase: 'discovering', done: 0, total: 0 });
  p.update({ phase: 'indexing', done: 1, total: 40 });
  now += 150;
  p.update({ phase: 'indexing', done: 2, total: 40 });
  p.clear();
  assert.deepEqual(written, ['\r\x1b[Kdiscovering ', '\r\x1b[Kindexing 2/40', '\r\x1b[K']);
  p.clear();
  assert.equal(written.length, 3, 'cleared once');
});

const summary = (over: Partial<IndexSummary>): IndexSummary => ({
  files: 4, added: 0, updated: 0, removed: 0, renamed: 0, unchanged: 4, skipped: [], failed: [], chunks: 12, embedded: 0, ms: 2345, ...over,
});

test('the freshness summary is one line when something changed, failed or stopped, and nothing otherwise', () => {
  assert.equal(freshnessLine(summary({})), undefined);
  assert.equal(freshnessLine(summary({ added: 3, unchanged: 1 })), 'Index updated: 3 added, 0 updated, 0 removed, 0 renamed (12 chunks, 2.3 s).');
  const failed = freshnessLine(summary({ failed: [{ relPath: 'a.md', reason: 'x' }], error: 'bad key\n\x1b[2J' }));
  assert.equal(failed, 'Index updated: 0 added, 0 updated, 0 removed, 0 renamed, 1 failed (12 chunks, 2.3 s); stopped early: bad key\\n\\x1b[2J.');
  assert.equal(failed!.split('\n').length, 1);
});
