/**
 * The scale benchmark: cold full index against the floor of reading and tokenizing the same files,
 * one-file update latency as the index grows, query latency, memory, event-loop blocking, size on disk,
 * and an unsharded vectra LocalIndex as the baseline for updates.
 *
 *   npm run bench            (full: 20k-file cold index; updates at 1k/10k/100k/500k chunks)
 *   npm run bench -- --quick (smoke: 2k files; 1k/10k chunks)
 *
 * Results: bench/results/suite.json, and a Markdown summary on stdout.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { LocalIndex } from 'vectra';
import { Engine } from '../src/core/engine';
import { startEngineWorker } from '../src/core/worker/engineClient';
import { tokenize } from '../src/core/lexical/tokenize';
import { featureHashEmbedder } from './featureHashEmbedder';
import { generateWorkspace, queryWords, rng } from './generate';

const quick = process.argv.includes('--quick');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'grounded-bench-'));
const results: Record<string, unknown> = { when: new Date().toISOString(), node: process.version, cpus: os.cpus().length, quick };
const lines: string[] = [];
const emit = (...rows: string[]) => {
  lines.push(...rows);
  for (const r of rows) console.error(r);
};
const ms = (ns: bigint) => Number(ns) / 1e6;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const now = () => process.hrtime.bigint();
const mb = (b: number) => (b / 1048576).toFixed(1);

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.grounded') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(root);
  return out;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? folderBytes(p) : fs.statSync(p).size;
  }
  return total;
}

async function coldIndex(files: number) {
  const root = path.join(work, `cold-${files}`);
  const bytes = generateWorkspace(root, files);
  // The floor: read every file and tokenize it, no chunking, no index.
  let t = now();
  let tokens = 0;
  for (const f of listFiles(root)) tokens += tokenize(await fs.promises.readFile(f, 'utf8')).length;
  const floorMs = ms(now() - t);
  t = now();
  const engine = await Engine.open({ folder: root, indexDir: path.join(work, `cold-${files}-idx`) });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  // A second measure of the same thing: the lateness of a 5 ms interval timer.
  let last = performance.now();
  let worstLate = 0;
  const ticker = setInterval(() => {
    worstLate = Math.max(worstLate, performance.now() - last - 5);
    last = performance.now();
  }, 5);
  const summary = await engine.indexAll();
  clearInterval(ticker);
  const indexMs = ms(now() - t);
  loop.disable();
  const status = await engine.status({ diskBytes: true });
  const r = {
    files,
    chunks: summary.chunks,
    mb: bytes / 1048576,
    floorMs,
    indexMs,
    ratio: indexMs / floorMs,
    filesPerSec: files / (indexMs / 1000),
    mbPerSec: bytes / 1048576 / (indexMs / 1000),
    maxLoopBlockMs: loop.max / 1e6,
    maxTimerLateMs: worstLate,
    diskBytes: status.diskBytes,
    diskBytesPerChunk: status.diskBytes / summary.chunks,
    tokens,
  };
  // As the extension runs it: the engine in its worker thread (the bundled dist/indexWorker.js), and
  // this thread — the extension host's, in the editor — only exchanging messages with it.
  const hostLoop = monitorEventLoopDelay({ resolution: 10 });
  const client = startEngineWorker(path.resolve(__dirname, '../../dist/indexWorker.js'), () => undefined);
  hostLoop.enable();
  t = now();
  await client.api.open({ folder: root, indexDir: path.join(work, `cold-${files}-worker-idx`) });
  const viaWorker = await client.api.indexAll();
  const workerIndexMs = ms(now() - t);
  hostLoop.disable();
  await client.terminate();
  if (viaWorker.chunks !== summary.chunks) throw new Error(`the worker indexed ${viaWorker.chunks} chunks, the engine ${summary.chunks}`);
  Object.assign(r, { workerIndexMs, hostLoopMaxMs: hostLoop.max / 1e6 });
  emit(
    `| cold index, ${files} files / ${r.chunks} chunks (${r.mb.toFixed(1)} MB) | ${(indexMs / 1000).toFixed(1)} s, ${r.filesPerSec.toFixed(0)} files/s, ${r.mbPerSec.toFixed(2)} MB/s; floor (read + tokenize) ${(floorMs / 1000).toFixed(1)} s; ratio ${r.ratio.toFixed(2)}× | ≤ 3× floor |`,
    `| longest event-loop block during that index | engine's own thread: monitorEventLoopDelay max ${r.maxLoopBlockMs.toFixed(1)} ms, a 5 ms interval timer at most ${r.maxTimerLateMs.toFixed(1)} ms late; the extension host's thread while the index worker does the same index (${(workerIndexMs / 1000).toFixed(1)} s): max ${(hostLoop.max / 1e6).toFixed(1)} ms | < 50 ms |`,
    `| size on disk, lexical | ${mb(r.diskBytes)} MiB, ${(r.diskBytesPerChunk / 1024).toFixed(2)} KiB/chunk | reported |`,
  );
  return r;
}

/**
 * Saves one Markdown file `runs` times with a new made-up word and times each from the save to a query
 * answered; `found` then checks (outside the timing) that the word is queryable. The file is restored.
 */
async function timeSaves(engine: Engine, root: string, runs: number, word: string, found: (rel: string, marker: string) => Promise<boolean>): Promise<number[]> {
  const target = listFiles(root).find((f) => f.endsWith('.md'))!;
  const rel = path.relative(root, target).split(path.sep).join('/');
  const original = fs.readFileSync(target, 'utf8');
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const marker = `${word}${i}marker`;
    fs.writeFileSync(target, `${original}\n${marker} appears here.\n`);
    const t = now();
    await engine.updateFile(rel);
    await engine.query(marker, { topK: 10 });
    times.push(ms(now() - t));
    if (!(await found(rel, marker))) throw new Error(`the saved text (${marker}) is not queryable`);
  }
  fs.writeFileSync(target, original);
  await engine.updateFile(rel);
  return times;
}

async function updateAndQuery(targetChunks: number) {
  const files = Math.ceil(targetChunks / 10.25);
  const root = path.join(work, `upd-${targetChunks}`);
  generateWorkspace(root, files, targetChunks);
  const engine = await Engine.open({ folder: root, indexDir: path.join(work, `upd-${targetChunks}-idx`) });
  const built = await engine.indexAll();
  const rssAfter = process.memoryUsage().rss;
  const updates = await timeSaves(engine, root, 30, 'zebra', async (rel, marker) => (await engine.query(marker, { topK: 1 }))[0]?.path === rel);
  const queries: number[] = [];
  for (const q of queryWords(60)) {
    const t = now();
    await engine.query(q, { topK: 10 });
    queries.push(ms(now() - t));
  }
  const status = await engine.status({ diskBytes: true });
  const r = {
    chunks: built.chunks,
    files,
    shards: status.shards,
    updateP50: pct(updates, 50),
    updateP95: pct(updates, 95),
    queryP50: pct(queries, 50),
    queryP95: pct(queries, 95),
    rssMB: rssAfter / 1048576,
    diskBytesPerChunk: status.diskBytes / built.chunks,
    root,
  };
  emit(`| save → queryable, ${r.chunks} chunks (${r.shards} shards) | p50 ${r.updateP50.toFixed(1)} ms, p95 ${r.updateP95.toFixed(1)} ms | p50 < 50 ms, flat |`);
  emit(`| lexical query top 10, ${r.chunks} chunks | p50 ${r.queryP50.toFixed(1)} ms, p95 ${r.queryP95.toFixed(1)} ms | p50 < 30 ms at 100k |`);
  return r;
}

const DIMS = 768;

type Hit = { id: string; score: number };
type Scannable = { search(q: ArrayLike<number>, k: number): Hit[]; searchExact(q: ArrayLike<number>, k: number): Hit[] };

/**
 * The dense half alone (the query's own embedding is in-process here; a real endpoint adds its round
 * trip): the int8 scan with rescoring and, in turn with it, the float scan, over random directions and
 * over the embedded query words; recall@100 of the first against the second, where a hit tied with the
 * float scan's 100th counts (feature-hashed rows share scores, and the scores returned are exact).
 */
async function timeScans(engine: Engine) {
  const vectors = (engine as unknown as { store: { vectors: Scannable } }).store.vectors;
  const rand = rng(5);
  const random = Array.from({ length: 30 }, () => Array.from({ length: DIMS }, () => rand() - 0.5));
  const queries = [...random, ...(await featureHashEmbedder(DIMS).embed(queryWords(30, 13)))];
  const scans: number[] = [];
  const exact: number[] = [];
  let found = 0;
  for (const q of queries) {
    let t = now();
    const hits = vectors.search(q, 100);
    scans.push(ms(now() - t));
    t = now();
    const truth = vectors.searchExact(q, 100);
    exact.push(ms(now() - t));
    const ids = new Set(truth.map((h) => h.id));
    found += hits.filter((h) => ids.has(h.id) || h.score >= truth[truth.length - 1].score).length;
  }
  return { scans, exact, recall: found / (100 * queries.length) };
}

/**
 * The same workspace indexed with 768-dimension vectors: build time, hybrid query latency, a save with
 * vectors, size on disk, and (in a fresh process) the resident memory of holding the index open.
 */
async function hybrid(root: string, targetChunks: number, probeMemory: boolean) {
  const indexDir = path.join(work, `hyb-${targetChunks}-idx`);
  let t = now();
  const engine = await Engine.open({ folder: root, indexDir, embedder: featureHashEmbedder(DIMS) });
  const built = await engine.indexAll();
  const buildMs = ms(now() - t);
  const queries: number[] = [];
  for (const q of queryWords(60, 11)) {
    t = now();
    await engine.query(q, { topK: 10 });
    queries.push(ms(now() - t));
  }
  const scan = await timeScans(engine);
  // Checked within the saved file: across the whole index, reciprocal-rank fusion can place chunks
  // ranked fairly by both lists above the one lexical match of a made-up word.
  const updates = await timeSaves(engine, root, 15, 'quokka', async (rel, marker) => !!(await engine.query(marker, { topK: 1, pathGlobs: [rel] }))[0]?.text.includes(marker));
  const status = await engine.status({ diskBytes: true });
  const r: Record<string, unknown> = {
    chunks: built.chunks,
    dims: DIMS,
    buildMs,
    queryP50: pct(queries, 50),
    queryP95: pct(queries, 95),
    scanP50: pct(scan.scans, 50),
    scanP95: pct(scan.scans, 95),
    exactScanP50: pct(scan.exact, 50),
    recallAt100: scan.recall,
    updateP50: pct(updates, 50),
    updateP95: pct(updates, 95),
    diskBytesPerChunk: status.diskBytes / built.chunks,
    cacheBytesPerChunk: folderBytes(path.join(indexDir, 'embedding-cache')) / built.chunks,
  };
  const cachePerChunk = r.cacheBytesPerChunk as number;
  emit(
    `| hybrid query top 10, ${built.chunks} chunks × ${DIMS} dims | p50 ${pct(queries, 50).toFixed(1)} ms, p95 ${pct(queries, 95).toFixed(1)} ms (vector scan alone p50 ${pct(scan.scans, 50).toFixed(1)}, p95 ${pct(scan.scans, 95).toFixed(1)}; the float scan it replaces p50 ${pct(scan.exact, 50).toFixed(1)}; recall@100 against it ${scan.recall.toFixed(4)}) | p50 < 30 ms at 100k |`,
    `| save → queryable with vectors, ${built.chunks} chunks | p50 ${pct(updates, 50).toFixed(1)} ms, p95 ${pct(updates, 95).toFixed(1)} ms | |`,
    `| size on disk with ${DIMS}-dim vectors, ${built.chunks} chunks | ${mb(status.diskBytes)} MiB, ${(status.diskBytes / built.chunks / 1024).toFixed(2)} KiB/chunk: index ${((status.diskBytes / built.chunks - cachePerChunk) / 1024).toFixed(2)} + embedding cache ${(cachePerChunk / 1024).toFixed(2)} (float32 alone: ${((DIMS * 4) / 1024).toFixed(2)}) | reported |`,
  );
  if (probeMemory) {
    const probe = path.resolve(__dirname, 'memoryProbe.js');
    const out = execFileSync(process.execPath, ['--expose-gc', probe, root, indexDir, String(DIMS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const m = JSON.parse(out.trim().split('\n').pop()!);
    r.memory = m;
    emit(
      `| extra RSS holding ${m.chunks} chunks × ${DIMS} dims open | ${mb(m.extraRssBytes)} MiB; raw vectors ${mb(m.rawVectorBytes)} + text ${mb(m.rawTextBytes)} MiB; **${m.ratio.toFixed(2)}×** raw (opened in ${(m.openMs / 1000).toFixed(1)} s) | < 1.5× raw |`,
    );
  }
  return r;
}

/** The dense baseline: vectra's own queryItems over one unsharded LocalIndex with the same kind of vectors. */
async function vectraDenseBaseline(items: number) {
  const folder = path.join(work, `vectra-dense-${items}`);
  fs.mkdirSync(folder, { recursive: true });
  const rand = rng(9);
  const embed = featureHashEmbedder(DIMS);
  const texts = Array.from({ length: items }, (_, i) => `chunk ${i} ` + queryWords(3, i).join(' '));
  const vectors = await embed.embed(texts);
  const data = {
    version: 1,
    metadata_config: {},
    items: vectors.map((vector, i) => ({ id: `c${i}`, metadata: { path: `f${Math.floor(i / 10)}.md`, text: texts[i] }, vector, norm: Math.hypot(...vector) })),
  };
  const json = JSON.stringify(data);
  fs.writeFileSync(path.join(folder, 'index.json'), json);
  const index = new LocalIndex(folder);
  let t = now();
  await index.listItems();
  const loadMs = ms(now() - t);
  const times: number[] = [];
  for (let i = 0; i < 10; i++) {
    const q = Array.from({ length: DIMS }, () => rand() - 0.5);
    t = now();
    await index.queryItems(q, '', 100);
    times.push(ms(now() - t));
  }
  const r = { items, jsonBytes: json.length, bytesPerItem: json.length / items, loadMs, queryP50: pct(times, 50) };
  emit(
    `| baseline: one unsharded vectra LocalIndex, ${items} items × ${DIMS} dims | query p50 ${r.queryP50.toFixed(1)} ms; index.json ${mb(r.jsonBytes)} MiB (${(r.bytesPerItem / 1024).toFixed(1)} KiB an item), loaded in ${(loadMs / 1000).toFixed(1)} s | compare |`,
  );
  return r;
}

/** The obvious baseline: one unsharded vectra LocalIndex holding the same items; one file's update rewrites it all. */
async function vectraBaseline(items: number) {
  const folder = path.join(work, `vectra-${items}`);
  // Built by writing vectra's own index.json format directly: inserting item by item is quadratic in
  // vectra (each insert scans for a duplicate id), which would measure the build, not the update.
  fs.mkdirSync(folder, { recursive: true });
  const data = {
    version: 1,
    metadata_config: {},
    items: Array.from({ length: items }, (_, i) => ({ id: `c${i}`, metadata: { path: `f${Math.floor(i / 10)}.md`, text: 'lorem ipsum '.repeat(40) + i, startLine: 1, endLine: 10 }, vector: [], norm: 0 })),
  };
  fs.writeFileSync(path.join(folder, 'index.json'), JSON.stringify(data));
  const index = new LocalIndex(folder);
  await index.listItems();
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = now();
    await index.beginUpdate();
    await index.deleteItems([`c${r}`]);
    await index.upsertItem({ id: `c${r}`, vector: [], metadata: { path: `f0.md`, text: 'changed ' + r, startLine: 1, endLine: 10 } });
    await index.endUpdate();
    times.push(ms(now() - t));
  }
  const p50 = pct(times, 50);
  emit(`| baseline: one unsharded vectra LocalIndex, ${items} items, one file's update | p50 ${p50.toFixed(1)} ms | compare |`);
  return { items, updateP50: p50 };
}

/** `--parts cold,updates,hybrid,baseline` runs some parts only (all by default). */
function partsToRun(): Set<string> {
  const i = process.argv.indexOf('--parts');
  return new Set(i >= 0 ? process.argv[i + 1].split(',') : ['cold', 'updates', 'hybrid', 'baseline']);
}

/** `--sizes 100000` measures the update, query and hybrid parts at these chunk counts only. */
function sizesToRun(): number[] | undefined {
  const i = process.argv.indexOf('--sizes');
  return i >= 0 ? process.argv[i + 1].split(',').map(Number) : undefined;
}

async function main() {
  const parts = partsToRun();
  lines.push('| what | measured | target |', '| --- | --- | --- |');
  if (parts.has('cold')) results.cold = await coldIndex(quick ? 2000 : 20000);
  const upd: Awaited<ReturnType<typeof updateAndQuery>>[] = [];
  if (parts.has('updates')) {
    for (const n of sizesToRun() ?? (quick ? [1000, 10000] : [1000, 10000, 100000, 500000])) upd.push(await updateAndQuery(n));
    results.updates = upd;
  }
  if (parts.has('hybrid')) {
    const hyb = [];
    for (const n of quick ? [10000] : (sizesToRun() ?? [100000, 500000])) {
      let root = upd.find((u) => u.chunks >= n * 0.9 && u.chunks <= n * 1.1)?.root;
      if (!root) generateWorkspace((root = path.join(work, `upd-${n}`)), Math.ceil(n / 10.25), n);
      hyb.push(await hybrid(root, n, n === (quick ? 10000 : 100000)));
    }
    results.hybrid = hyb;
  }
  if (parts.has('baseline')) {
    results.vectraDenseBaseline = await vectraDenseBaseline(quick ? 2000 : 20000);
    const base: { items: number; updateP50: number }[] = [];
    for (const n of quick ? [10000] : [10000, 100000]) base.push(await vectraBaseline(n));
    results.vectraBaseline = base;
    const ours = upd.find((u) => Math.abs(u.chunks - base[base.length - 1].items) / base[base.length - 1].items < 0.1);
    if (ours) emit(`| ratio, unsharded vectra ÷ Grounded, one update at ~${base[base.length - 1].items} chunks | ${(base[base.length - 1].updateP50 / ours.updateP50).toFixed(1)}× | |`);
  }
  const out = path.resolve(__dirname, `../../bench/results/suite${parts.size < 4 ? `-${[...parts].join('-')}` : ''}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(results, null, 2));
  console.log(lines.join('\n'));
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(1);
});
