import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { Engine, EngineOptions } from '../../src/core/engine';
import { clearIndexFolder } from '../../src/core/store/indexFolder';
import { writeCorpus } from '../reliability/corpus';
import { tempDir } from './helpers';

/** Words of the corpus alone and together: many queries tie (the corpus repeats its phrasing). */
const QUERIES = [
  ...Array.from({ length: 11 }, (_, i) => `topic${i}`),
  ...Array.from({ length: 12 }, (_, i) => `handler_${i * 3 + 2} event`),
  'section talks about topic3 and item9',
  'version 0 section 2',
  'fn4_1',
  'document 12',
  'export function return x',
  'Handles topic7',
  'pkg3/doc12.md',
  'item30 item31 item33',
];

type Ranked = { path: string; startLine: number; score: number }[];

async function rankings(engine: Engine): Promise<Ranked[]> {
  const out: Ranked[] = [];
  for (const q of QUERIES) out.push((await engine.query(q, { topK: 15 })).map((r) => ({ path: r.path, startLine: r.startLine, score: r.score })));
  return out;
}

function snapshotFile(indexDir: string): string {
  const shards = fs.readdirSync(indexDir).find((n) => n.startsWith('shards-'))!;
  return path.join(indexDir, shards, 'lexical.bin');
}

/** Opens, records the log, ranks the queries, closes. */
async function openAndRank(opts: EngineOptions): Promise<{ ranked: Ranked[]; log: string[] }> {
  const log: string[] = [];
  const engine = await Engine.open({ shardCount: 16, snapshotAfterChunks: 0, ...opts, log: (m) => log.push(m) });
  const ranked = await rankings(engine);
  await engine.close();
  return { ranked, log };
}

/** What a rebuild from the store gives: the same index without its snapshot, opened read-only. */
async function rebuilt(root: string, indexDir: string): Promise<Ranked[]> {
  const copy = path.join(tempDir(), 'copy');
  fs.cpSync(indexDir, copy, { recursive: true });
  fs.rmSync(snapshotFile(copy), { force: true });
  const { ranked, log } = await openAndRank({ folder: root, indexDir: copy, readOnly: true });
  assert.ok(!log.some((l) => l.startsWith('Lexical index:')), 'the copy is rebuilt, not restored');
  return ranked;
}

async function indexedCorpus(files = 120): Promise<{ root: string; indexDir: string }> {
  const root = tempDir('grounded-snapshot-');
  writeCorpus(root, files, 0);
  const indexDir = path.join(tempDir(), 'index');
  const engine = await Engine.open({ folder: root, indexDir, shardCount: 16, snapshotAfterChunks: 0 });
  await engine.indexAll();
  await engine.close();
  return { root, indexDir };
}

function restoredCounts(log: string[]): { fromSnapshot: number; tokenized: number } | undefined {
  const m = log.map((l) => /^Lexical index: (\d+) chunks from the snapshot, (\d+) tokenized\.$/.exec(l)).find(Boolean);
  return m ? { fromSnapshot: Number(m[1]), tokenized: Number(m[2]) } : undefined;
}

test('an index opens from its lexical snapshot and ranks every query exactly as a rebuild does', async () => {
  const { root, indexDir } = await indexedCorpus();
  assert.ok(fs.statSync(snapshotFile(indexDir)).size > 0, 'a full run writes the snapshot');
  const { ranked, log } = await openAndRank({ folder: root, indexDir, readOnly: true });
  const counts = restoredCounts(log);
  assert.ok(counts && counts.fromSnapshot > 100 && counts.tokenized === 0, `all from the snapshot: ${log.join(' | ')}`);
  assert.ok(ranked.every((r) => r.length > 0));
  assert.deepEqual(ranked, await rebuilt(root, indexDir));
});

test('after edits, removals and additions the snapshot, rewritten or not, still ranks as a rebuild', async () => {
  const { root, indexDir } = await indexedCorpus();
  // Edits and removals the snapshot does not know of (it is not rewritten: the threshold is high).
  writeCorpus(root, 4, 1);
  fs.rmSync(path.join(root, 'pkg0/doc21.md'));
  fs.writeFileSync(path.join(root, 'pkg6/new.md'), '# New\n\nA new file about topic3 and item9.\n');
  let engine = await Engine.open({ folder: root, indexDir, shardCount: 16, snapshotAfterChunks: 1e9 });
  await engine.indexAll();
  await engine.close();
  const stale = await openAndRank({ folder: root, indexDir, readOnly: true });
  const counts = restoredCounts(stale.log)!;
  assert.ok(counts.tokenized > 0 && counts.fromSnapshot > 0, `changed shards tokenized, the rest restored: ${stale.log.join(' | ')}`);
  const expected = await rebuilt(root, indexDir);
  assert.deepEqual(stale.ranked, expected);
  // Rewritten after the changes: everything comes from it again, with the same results.
  engine = await Engine.open({ folder: root, indexDir, shardCount: 16, snapshotAfterChunks: 0 });
  await engine.removeFile('pkg1/script2.py');
  await engine.close();
  const fresh = await openAndRank({ folder: root, indexDir, readOnly: true });
  assert.equal(restoredCounts(fresh.log)!.tokenized, 0);
  assert.deepEqual(fresh.ranked, await rebuilt(root, indexDir));
});

test('a run that brings a few files up to date never reads the lexical snapshot; the next open finds what it changed', async () => {
  const { root, indexDir } = await indexedCorpus();
  fs.writeFileSync(path.join(root, 'pkg3/script17.py'), 'def handler_17(event):\n    # Now about zeppelins.\n    return event\n');
  fs.rmSync(path.join(root, 'pkg5/doc12.md'));
  const log: string[] = [];
  const engine = await Engine.open({ folder: root, indexDir, shardCount: 16, snapshotAfterChunks: 1e9, log: (m) => log.push(m) });
  const summary = await engine.indexAll();
  assert.equal(summary.updated + summary.removed, 2);
  assert.ok(summary.chunks > 100, 'the run still counts every chunk');
  assert.equal(restoredCounts(log), undefined, `the catalog stayed closed: ${log.join(' | ')}`);
  // Asked a question afterwards, the same process opens it and finds the change.
  assert.equal((await engine.query('zeppelins'))[0]?.path, 'pkg3/script17.py');
  await engine.close();
  const { ranked } = await openAndRank({ folder: root, indexDir, readOnly: true });
  assert.deepEqual(ranked, await rebuilt(root, indexDir));
  assert.ok(!ranked.flat().some((r) => r.path === 'pkg5/doc12.md'));
});

test("another writer's change is tokenized from its shard alone; the rest comes from the snapshot", async () => {
  const { root, indexDir } = await indexedCorpus();
  const total = restoredCounts((await openAndRank({ folder: root, indexDir, readOnly: true })).log)!.fromSnapshot;
  // A second writer (the CLI beside the editor) changes one file and does not rewrite the snapshot.
  fs.writeFileSync(path.join(root, 'pkg2/script9.py'), 'def handler_9(event):\n    """Now about topic5 and retries."""\n    return event\n');
  const other = await Engine.open({ folder: root, indexDir, shardCount: 16, snapshotAfterChunks: 1e9 });
  await other.updateFile('pkg2/script9.py');
  await other.close();
  const { ranked, log } = await openAndRank({ folder: root, indexDir, readOnly: true });
  const counts = restoredCounts(log)!;
  assert.ok(counts.tokenized > 0 && counts.tokenized < total / 4, `only the changed shard is tokenized: ${log.join(' | ')}`);
  assert.deepEqual(ranked, await rebuilt(root, indexDir));
  assert.ok(ranked[QUERIES.indexOf('topic5')].some((r) => r.path === 'pkg2/script9.py'), 'the other writer’s version is searched');
});

test('a truncated, garbage, foreign-format or mismatched snapshot means one warning and a rebuild, never a wrong answer', async () => {
  const { root, indexDir } = await indexedCorpus(60);
  const file = snapshotFile(indexDir);
  const good = fs.readFileSync(file);
  const expected = await rebuilt(root, indexDir);
  const foreign = Buffer.from(good);
  foreign.writeUInt32LE(99, 4);
  const flipped = Buffer.from(good);
  flipped[Math.floor(flipped.length * 0.7)] ^= 0xff;
  const variants: [string, Buffer, RegExp][] = [
    ['truncated', good.subarray(0, Math.floor(good.length / 2)), /checksum|cut off|outside/],
    ['garbage', Buffer.from('not a snapshot at all, just text'), /not a lexical snapshot/],
    ['empty', Buffer.alloc(0), /not a lexical snapshot/],
    ['foreign format', foreign, /format 99/],
    ['one byte flipped', flipped, /checksum/],
  ];
  for (const [what, bytes, reason] of variants) {
    fs.writeFileSync(file, bytes);
    const { ranked, log } = await openAndRank({ folder: root, indexDir, readOnly: true });
    const warnings = log.filter((l) => l.startsWith('Warning'));
    assert.equal(warnings.length, 1, `${what}: ${log.join(' | ')}`);
    assert.match(warnings[0], reason, what);
    assert.deepEqual(ranked, expected, what);
  }
  // A writer that reads it (an editor's, which opens its catalog at once) replaces the bad file at its next write.
  const engine = await Engine.open({ folder: root, indexDir, shardCount: 16, snapshotAfterChunks: 0 });
  engine.warm();
  await engine.indexAll();
  await engine.close();
  const { ranked, log } = await openAndRank({ folder: root, indexDir, readOnly: true });
  assert.equal(restoredCounts(log)!.tokenized, 0);
  assert.deepEqual(ranked, expected);
});

test('a snapshot whose stamps match no shard is not trusted: every file is tokenized from the store', async () => {
  const { root, indexDir } = await indexedCorpus(60);
  // Every shard rewritten behind the snapshot's back (same content, new files): no stamp matches.
  const shards = path.dirname(snapshotFile(indexDir));
  for (const name of fs.readdirSync(shards).filter((n) => /^s[0-9a-f]{3}$/.test(n))) {
    const f = path.join(shards, name, 'index.json');
    const text = fs.readFileSync(f);
    fs.rmSync(f);
    fs.writeFileSync(f, text);
  }
  const { ranked, log } = await openAndRank({ folder: root, indexDir, readOnly: true });
  const counts = restoredCounts(log)!;
  assert.equal(counts.fromSnapshot, 0, log.join(' | '));
  assert.deepEqual(ranked, await rebuilt(root, indexDir));
});

test('Clear removes the snapshot with the rest of the index', async () => {
  const { indexDir } = await indexedCorpus(20);
  assert.ok(fs.existsSync(snapshotFile(indexDir)));
  assert.deepEqual(await clearIndexFolder(indexDir), []);
  assert.equal(fs.existsSync(indexDir), false);
});

test('a killed snapshot write leaves a temporary file that is not read and goes with the next write; a folder in its place is refused', async () => {
  const { root, indexDir } = await indexedCorpus(60);
  const shards = path.dirname(snapshotFile(indexDir));
  // What a writer killed mid-write leaves: its temporary file (a pid no process has).
  const leftover = path.join(shards, '.lexical.bin.999999.0badf00d.tmp');
  fs.writeFileSync(leftover, 'half a snapshot');
  const expected = await rebuilt(root, indexDir);
  const opened = await openAndRank({ folder: root, indexDir, readOnly: true });
  assert.deepEqual(opened.log.filter((l) => l.startsWith('Warning')), []);
  assert.deepEqual(opened.ranked, expected);
  // Enough changes that the snapshot is rewritten (more than 2% of the chunks).
  writeCorpus(root, 20, 2);
  let engine = await Engine.open({ folder: root, indexDir, shardCount: 16, snapshotAfterChunks: 0 });
  await engine.indexAll();
  await engine.close();
  assert.equal(fs.existsSync(leftover), false, 'the next write removes it');
  // Something else in the snapshot's place: a warning at open and at the write, the index still answers.
  fs.rmSync(snapshotFile(indexDir));
  fs.mkdirSync(snapshotFile(indexDir));
  const log: string[] = [];
  engine = await Engine.open({ folder: root, indexDir, shardCount: 16, snapshotAfterChunks: 0, log: (m) => log.push(m) });
  assert.ok((await engine.query('topic3')).length > 0);
  writeCorpus(root, 20, 3);
  await engine.indexAll();
  await engine.close();
  assert.equal(log.filter((l) => l.startsWith('Warning')).length, 2, log.join(' | '));
  assert.ok(fs.statSync(snapshotFile(indexDir)).isDirectory(), 'nothing is written through or over it');
});

test('a snapshot planted as a link (to /dev/zero, to a file elsewhere) is never followed, and the next write replaces the link, not its target', async () => {
  const { root, indexDir } = await indexedCorpus(60);
  const file = snapshotFile(indexDir);
  const good = fs.readFileSync(file);
  const expected = await rebuilt(root, indexDir);
  const victim = path.join(tempDir(), 'victim.bin');
  fs.writeFileSync(victim, good);
  for (const target of ['/dev/zero', victim]) {
    fs.rmSync(file, { force: true });
    fs.symlinkSync(target, file);
    const { ranked, log } = await openAndRank({ folder: root, indexDir, readOnly: true });
    const warnings = log.filter((l) => l.startsWith('Warning'));
    assert.equal(warnings.length, 1, log.join(' | '));
    assert.match(warnings[0], /not a plain file/);
    assert.equal(restoredCounts(log), undefined, 'nothing restored through the link');
    assert.deepEqual(ranked, expected);
  }
  writeCorpus(root, 20, 2);
  const engine = await Engine.open({ folder: root, indexDir, shardCount: 16, snapshotAfterChunks: 0 });
  await engine.indexAll();
  await engine.close();
  assert.equal(fs.lstatSync(file).isFile(), true, 'the link was replaced by a snapshot of its own');
  assert.deepEqual(fs.readFileSync(victim), good, 'the link target is untouched');
});
