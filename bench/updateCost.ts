/**
 * How the cost of one file's update grows with the index: builds lexical indexes of about 1k, 10k and
 * 100k chunks from generated Markdown, then times `updateFile` (read, chunk, rewrite one shard, queryable).
 *
 *   npm run build && npm run compile-tests && node out/bench/updateCost.js [--sizes 1000,10000,100000] [--runs 30]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Engine } from '../src/core/engine';

const SECTIONS_PER_FILE = 10;
const WORDS = ('index shard vector query chunk token hover chat save watch folder settings model endpoint cache ' +
  'retry backoff lock write rename commit branch merge deploy release config secret policy review test build').split(' ');

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function markdownFile(i: number, rand: () => number): string {
  const parts = [`# Document ${i}`, ''];
  for (let s = 0; s < SECTIONS_PER_FILE - 1; s++) {
    parts.push(`## Section ${s} of ${i}`, '');
    const words = Array.from({ length: 60 }, () => WORDS[Math.floor(rand() * WORDS.length)]);
    parts.push(words.join(' ') + '.', '');
  }
  return parts.join('\n');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(chunks: number, runs: number) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `grounded-upd-${chunks}-`));
  const files = Math.ceil(chunks / SECTIONS_PER_FILE);
  const rand = rng(42);
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `d${i % 100}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `f${i}.md`), markdownFile(i, rand));
  }
  const engine = await Engine.open({ folder: root });
  const t0 = Date.now();
  const summary = await engine.indexAll();
  const buildMs = Date.now() - t0;
  const target = 'd7/f7.md';
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    fs.writeFileSync(path.join(root, target), markdownFile(7, rand) + `\nmarker${r} zebra${r}\n`);
    const start = process.hrtime.bigint();
    await engine.updateFile(target);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const hit = await engine.query(`zebra${r}`, { topK: 1 });
    if (hit[0]?.path !== target) throw new Error(`update ${r} not queryable`);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const status = await engine.status({ diskBytes: true });
  fs.rmSync(root, { recursive: true, force: true });
  return { chunks: summary.chunks, files, buildMs, p50: percentile(times, 50), p95: percentile(times, 95), diskBytes: status.diskBytes };
}

async function main() {
  const arg = (name: string, fallback: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const sizes = arg('sizes', '1000,10000,100000').split(',').map(Number);
  const runs = Number(arg('runs', '30'));
  const rows = [];
  for (const n of sizes) {
    const r = await measure(n, runs);
    rows.push(r);
    console.log(`chunks=${r.chunks} files=${r.files} build=${(r.buildMs / 1000).toFixed(1)}s update p50=${r.p50.toFixed(1)}ms p95=${r.p95.toFixed(1)}ms disk=${(r.diskBytes / 1048576).toFixed(1)}MiB`);
  }
  const out = path.resolve(__dirname, '../../bench/results/update-cost.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ when: new Date().toISOString(), node: process.version, cpus: os.cpus().length, runs, rows }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
