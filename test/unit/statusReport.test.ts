import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { escapeMarkdown } from '../../src/core/format/markdownText';
import { timeAgo, whenText } from '../../src/core/format/timeText';
import { statusMarkdown } from '../../src/vscode/statusReport';
import { tempDir, writeTree } from './helpers';

async function indexed(): Promise<{ root: string; meta: string }> {
  const root = tempDir();
  writeTree(root, { 'docs/a.md': '# A\n\nSome text.\n', 'src/b.py': 'def b():\n    return 1\n' });
  await (await Engine.open({ folder: root, shardCount: 2 })).indexAll();
  return { root, meta: path.join(root, '.grounded', 'grounded.json') };
}

function source(engine: Engine, extra: Partial<{ paused: boolean; indexing: boolean }> = {}) {
  return { folder: { name: 'ws' }, indexing: false, paused: false, ...extra, status: () => engine.status() };
}

test('the status page escapes what grounded.json says: no image, link or command from disk', async () => {
  const { root, meta } = await indexed();
  const hostile = '<img src=x onerror=alert(1)> [click](command:workbench.action.terminal.new) ![i](http://evil.example/p.png)';
  const json = JSON.parse(fs.readFileSync(meta, 'utf8'));
  json.updatedAt = hostile;
  fs.writeFileSync(meta, JSON.stringify(json));
  const engine = await Engine.open({ folder: root, shardCount: 2 });
  // The store refuses such a file; the page escapes whatever status it is given all the same.
  const fromStore = await statusMarkdown([source(engine)], true, []);
  assert.ok(!fromStore.includes('<img') && !fromStore.includes('command:'), fromStore);
  const given = { ...source(engine), status: async () => ({ ...(await engine.status()), updatedAt: hostile, indexDir: `${root}/[x](command:evil)` }) };
  const md = await statusMarkdown([given], true, []);
  assert.ok(!md.includes('<img'), md);
  assert.ok(!/\]\(command:/.test(md) && !/!\[/.test(md), md);
  assert.ok(md.includes(`**Last update:** ${escapeMarkdown(`unknown (${hostile})`)}\n`), 'shown, as literal text');
});

test('the status page has no empty table header, says when in local time and how long ago, and no chunker jargon', async () => {
  const { root, meta } = await indexed();
  const engine = await Engine.open({ folder: root, shardCount: 2 });
  const updated = JSON.parse(fs.readFileSync(meta, 'utf8')).updatedAt as string;
  const now = new Date(Date.parse(updated) + 3 * 60_000 + 5_000);
  const md = await statusMarkdown([source(engine)], true, [], now);
  assert.ok(!md.includes('| |'), 'no empty header row');
  assert.ok(!md.includes(updated), 'no raw ISO timestamp');
  const local = new Date(updated).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  assert.ok(md.includes(`**Last update:** ${escapeMarkdown(`${local} (3 minutes ago)`)}`), md);
  assert.ok(!/chunker/i.test(md), md);
  assert.match(md, /\*\*Retrieval:\*\* lexical \(BM25\), offline/);
  assert.match(md, /\*\*State:\*\* ready/);
  assert.match(await statusMarkdown([source(engine, { paused: true, indexing: true })], true, []), /\*\*State:\*\* paused/);
});

test('time ago reads as people say it', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  assert.equal(timeAgo(new Date('2026-12-01T11:59:30Z'), now), 'just now');
  assert.equal(timeAgo(new Date('2026-12-01T11:59:00Z'), now), '1 minute ago');
  assert.equal(timeAgo(new Date('2026-11-29T11:00:00Z'), now), '2 days ago');
  assert.equal(timeAgo(new Date('2026-12-01T12:05:00Z'), now), 'just now', 'a clock behind the file is no negative age');
  assert.equal(whenText('not a date', now), undefined);
});
