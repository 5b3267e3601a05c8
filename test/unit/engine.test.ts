import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { Embedder } from '../../src/core/embed/embedder';
import { Engine } from '../../src/core/engine';
import { tempDir, writeTree } from './helpers';

/** A deterministic embedder: character-trigram hashing. Real vectors of a real shape, no model. */
function trigramEmbedder(model: string, dimensions = 32): Embedder & { calls: number; texts: number } {
  const e = {
    provider: 'test',
    model,
    dimensions,
    calls: 0,
    texts: 0,
    async embed(texts: string[]) {
      e.calls++;
      e.texts += texts.length;
      return texts.map((t) => {
        const v = new Array(dimensions).fill(0);
        const s = t.toLowerCase();
        for (let i = 0; i + 3 <= s.length; i++) v[(s.charCodeAt(i) * 31 + s.charCodeAt(i + 1) * 7 + s.charCodeAt(i + 2)) % dimensions] += 1;
        return v;
      });
    },
  };
  return e;
}

function workspace(): string {
  const root = tempDir();
  writeTree(root, {
    'docs/storage.md': '# Storage\n\nThe index is stored in shards under .grounded.\n\n## Atomic writes\n\nEvery shard is written to a temp file and renamed.\n',
    'docs/hover.md': '# Hover\n\nHovering an identifier shows related snippets.\n',
    'src/retry.py': 'def retry_with_backoff(fn, attempts=3):\n    """Retries fn with exponential backoff."""\n    for i in range(attempts):\n        try:\n            return fn()\n        except Exception:\n            pass\n',
  });
  return root;
}

test('a full index, then an edit, a delete and a rename are each picked up incrementally', async () => {
  const root = workspace();
  let engine = await Engine.open({ folder: root, shardCount: 8 });
  const first = await engine.indexAll();
  assert.equal(first.added, 3);
  assert.ok(first.chunks >= 4);
  assert.equal((await engine.query('exponential backoff retries'))[0].path, 'src/retry.py');

  // Nothing changed: nothing is read.
  engine = await Engine.open({ folder: root, shardCount: 8 });
  const again = await engine.indexAll();
  assert.deepEqual([again.added, again.updated, again.removed, again.unchanged], [0, 0, 0, 3]);

  // Edit: the new text is found, the old is not.
  fs.writeFileSync(path.join(root, 'docs/hover.md'), '# Hover\n\nHovering shows a tooltip with zeppelin facts.\n');
  const edited = await engine.indexAll();
  assert.equal(edited.updated, 1);
  assert.equal((await engine.query('zeppelin'))[0].path, 'docs/hover.md');
  assert.deepEqual(await engine.query('identifier related snippets'), []);

  // Rename: counted as a rename, found under the new path only.
  fs.renameSync(path.join(root, 'docs/storage.md'), path.join(root, 'docs/store.md'));
  const renamed = await engine.indexAll();
  assert.deepEqual([renamed.renamed, renamed.added, renamed.removed], [1, 0, 0]);
  const hits = await engine.query('shards temp file renamed');
  assert.ok(hits.length > 0 && hits.every((h) => h.path === 'docs/store.md'));

  // Delete.
  fs.rmSync(path.join(root, 'src/retry.py'));
  const deleted = await engine.indexAll();
  assert.equal(deleted.removed, 1);
  assert.deepEqual(await engine.query('exponential backoff'), []);

  // A new process sees exactly the same index.
  const reopened = await Engine.open({ folder: root, shardCount: 8 });
  assert.equal(reopened.chunkCount, engine.chunkCount);
  assert.equal((await reopened.query('zeppelin'))[0].path, 'docs/hover.md');
});

test('updateFile and removeFile serve save events; an unsaved editor is searched live', async () => {
  const root = workspace();
  const engine = await Engine.open({ folder: root, shardCount: 4 });
  await engine.indexAll();
  fs.writeFileSync(path.join(root, 'docs/new.md'), '# New\n\nQuokka migration notes.\n');
  await engine.updateFile('docs/new.md');
  assert.equal((await engine.query('quokka'))[0].path, 'docs/new.md');
  await engine.removeFile('docs/new.md');
  assert.deepEqual(await engine.query('quokka'), []);
  await engine.removeFile('docs');
  assert.ok((await engine.query('hover')).every((r) => !r.path.startsWith('docs/')));

  // Live text replaces the indexed chunks of that file.
  const live = await engine.query('walrus', { liveFiles: [{ path: 'src/retry.py', text: 'def walrus():\n    return "walrus"\n' }] });
  assert.equal(live[0].path, 'src/retry.py');
  assert.ok(live[0].text.includes('walrus'));
  assert.equal(live[0].unsaved, true, 'a result from an unsaved editor says so');
  assert.ok((await engine.query('hover')).every((r) => r.unsaved === undefined));
  const old = await engine.query('exponential backoff', { liveFiles: [{ path: 'src/retry.py', text: 'def walrus():\n    pass\n' }] });
  assert.deepEqual(old, [], 'the saved version is not quoted while the editor differs');
});

test('a folder that appears with files already in it (their own events missed) is indexed from its one event', async () => {
  const root = workspace();
  const engine = await Engine.open({ folder: root, shardCount: 4 });
  await engine.indexAll();
  writeTree(root, { 'policies/travel/refunds.md': '# Refunds\n\nUnused okapi tickets are refunded.\n', 'policies/hr.md': '# HR\n\nOkapi leave rules.\n', 'policies/.env': 'OKAPI_SECRET=1\n' });
  await engine.updateFile('policies');
  const found = (await engine.query('okapi', { topK: 10 })).map((r) => r.path).sort();
  assert.deepEqual(found, ['policies/hr.md', 'policies/travel/refunds.md'], 'every file under it, and the rules still apply');
  await engine.updateFile('policies');
  assert.equal((await engine.query('okapi', { topK: 10 })).length, 2, 'a second event changes nothing');
});

test('filters by kind and path, and at most perFile chunks a file', async () => {
  const root = workspace();
  const engine = await Engine.open({ folder: root, shardCount: 4 });
  await engine.indexAll();
  assert.ok((await engine.query('index shards hover retries', { kinds: ['code'] })).every((r) => r.kind === 'code'));
  assert.ok((await engine.query('index shards hover', { pathGlobs: ['docs/hover*'] })).every((r) => r.path === 'docs/hover.md'));
  const one = await engine.query('shard index atomic temp renamed storage', { perFile: 1 });
  assert.equal(new Set(one.map((r) => r.path)).size, one.length);
});

test('unchanged chunks are never re-embedded, and a model change rebuilds instead of mixing', async () => {
  const root = workspace();
  const indexDir = path.join(tempDir(), 'idx');
  const a = trigramEmbedder('model-a');
  let engine = await Engine.open({ folder: root, indexDir, embedder: a, shardCount: 4 });
  const first = await engine.indexAll();
  assert.equal(first.embedded, first.chunks);
  const textsAfterFirst = a.texts;

  engine = await Engine.open({ folder: root, indexDir, embedder: a, shardCount: 4 });
  fs.appendFileSync(path.join(root, 'docs/hover.md'), '\n## Cache\n\nHover results are cached.\n');
  const second = await engine.indexAll();
  assert.equal(second.updated, 1);
  assert.equal(second.embedded, 1, 'only the new section is embedded');
  assert.equal(a.texts - textsAfterFirst, 1 + 0);
  assert.equal((await engine.query('hover results cached'))[0].path, 'docs/hover.md');

  const b = trigramEmbedder('model-b', 16);
  const rebuilt = await Engine.open({ folder: root, indexDir, embedder: b, shardCount: 4 });
  assert.match(rebuilt.rebuildReason ?? '', /model-a.*model-b/);
  assert.equal(rebuilt.chunkCount, 0, 'nothing of model-a is kept');
  const s = await rebuilt.indexAll();
  assert.equal(s.added, 3);
  assert.equal((await rebuilt.status()).identity.model, 'model-b');
  const shardsDirs = fs.readdirSync(indexDir).filter((n) => n.startsWith('shards-'));
  assert.equal(shardsDirs.length, 1, 'the old model\'s shards are gone');
});

test('skipped files are recorded with their reason in status', async () => {
  const root = workspace();
  writeTree(root, { 'data/blob.txt': Buffer.from([1, 2, 0, 3]), 'bundle.js': 'x=1;'.repeat(3000) });
  const engine = await Engine.open({ folder: root, shardCount: 4 });
  await engine.indexAll();
  const status = await engine.status();
  const reasons = Object.fromEntries(status.skipped.map((s) => [s.relPath, s.reason]));
  assert.match(reasons['data/blob.txt'], /binary/);
  assert.match(reasons['bundle.js'], /minified/);
  assert.equal(status.files, 3);
});

test('switching back to a model reuses its cached vectors: no chunk is embedded twice', async () => {
  const root = workspace();
  const indexDir = path.join(tempDir(), 'idx');
  const a = trigramEmbedder('model-a');
  const first = await (await Engine.open({ folder: root, indexDir, embedder: a, shardCount: 4 })).indexAll();
  assert.equal(a.texts, first.chunks);
  await (await Engine.open({ folder: root, indexDir, embedder: trigramEmbedder('model-b', 16), shardCount: 4 })).indexAll();
  const a2 = trigramEmbedder('model-a');
  const back = await Engine.open({ folder: root, indexDir, embedder: a2, shardCount: 4 });
  assert.match(back.rebuildReason ?? '', /model-b.*model-a/);
  const s = await back.indexAll();
  assert.equal(s.embedded, 0);
  assert.equal(a2.texts, 0, 'the endpoint was not called for any chunk');
  assert.equal((await back.query('exponential backoff retries'))[0].path, 'src/retry.py');
});

test('the embedding cache ignores a record torn by a kill and appends after the last whole one', async () => {
  const { EmbeddingCache } = await import('../../src/core/embed/embeddingCache');
  const dir = tempDir();
  const h = (n: number) => n.toString(16).padStart(40, '0');
  const c1 = await EmbeddingCache.open(dir, 'm');
  c1.put(h(1), [1, 2, 3]);
  c1.put(h(2), [4, 5, 6]);
  await c1.flush();
  fs.appendFileSync(c1.file, Buffer.from([1, 2, 3, 4, 5])); // a torn record
  const c2 = await EmbeddingCache.open(dir, 'm');
  assert.equal(c2.size, 2);
  assert.deepEqual([...c2.get(h(2))!], [4, 5, 6]);
  c2.put(h(3), [0.5, 0.25, 0.125]);
  await c2.flush();
  const c3 = await EmbeddingCache.open(dir, 'm');
  assert.equal(c3.size, 3);
  assert.deepEqual([...c3.get(h(3))!], [0.5, 0.25, 0.125]);
});

test('includeAll returns every chunk: matches first, the rest in path order', async () => {
  const root = workspace();
  const engine = await Engine.open({ folder: root, shardCount: 2 });
  await engine.indexAll();
  const all = await engine.query('hover', { includeAll: true, topK: 1000 });
  assert.equal(all.length, engine.chunkCount);
  assert.equal(all[0].path, 'docs/hover.md');
  const rest = all.filter((r) => r.score === 0).map((r) => `${r.path}:${r.startLine}`);
  assert.deepEqual(rest, [...rest].sort());
  assert.ok((await engine.status()).textChars > 100);
});

test('pause holds a full run before its next file, resume lets it finish, cancel stops it with what it indexed kept', async () => {
  const root = tempDir();
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`notes/n${i}.md`] = `# Note ${i}\n\nparagraph about topic${i}\n`;
  writeTree(root, files);
  const engine = await Engine.open({ folder: root, indexDir: path.join(tempDir(), 'idx'), chunkThreads: 0, flushEveryFiles: 5 });
  engine.pause();
  let settled = false;
  const run = engine.indexAll().finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(settled, false, 'a paused run waits');
  assert.equal(engine.chunkCount, 0);
  engine.resume();
  const summary = await run;
  assert.equal(summary.files, 30);

  // A cancelled run stops early: the files it reached stay indexed, the next run indexes the rest.
  for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(root, `notes/n${i}.md`), `# Note ${i}\n\nnew text ${i}\n`);
  let seen = 0;
  const cancelled = engine.indexAll({ onProgress: (p) => p.phase === 'indexing' && ++seen === 10 && engine.cancelIndex() });
  await assert.rejects(cancelled, { name: 'AbortError' });
  const after = await engine.indexAll();
  assert.ok(after.updated > 0 && after.updated < 30, `the next run reads only what the cancelled one did not reach (${after.updated})`);
  await engine.close();
});
