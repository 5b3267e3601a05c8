#!/usr/bin/env node
/**
 * Retrieval quality on ../shared/eval (CoSQA and SWE-QA dev), measured at file level, through the
 * CLI contract (`index`, then `query --batch`), beside a whole-file BM25 baseline computed here.
 *
 *   npm run build && node bench/eval.mjs [--set cosqa|sweqa|all] [--work DIR] [--top-k 50] [--baseline]
 *
 * Corpora are written to a scratch folder (default: $TMPDIR/grounded-eval), never into the repository.
 * SWE-QA needs the flask and requests repositories as bare git folders: --flask-git DIR --requests-git DIR.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { foldToFiles, summarise } from './eval-metrics.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const set = opt('set', 'all');
const work = path.resolve(opt('work', path.join(os.tmpdir(), 'grounded-eval')));
const cli = path.resolve(opt('cli', path.join(repo, 'dist/cli.js')));
const topK = opt('top-k', '50');
const shared = path.resolve(opt('shared', path.join(repo, '../shared/eval')));
const out = path.resolve(opt('out', path.join(repo, 'bench/results/eval.json')));
const gitDirs = {
  'pallets/flask': opt('flask-git', '/work/.mirror/pallets+flask/repo'),
  'psf/requests': opt('requests-git', '/work/.mirror/psf+requests/repo'),
};

const readJsonl = (file) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
function readQrels(file) {
  const gold = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [qid, p, rel] = line.split('\t');
    if (!qid || rel?.trim() === '0') continue;
    if (!gold.has(qid)) gold.set(qid, new Set());
    gold.get(qid).add(p);
  }
  return gold;
}

function materialiseCosqa() {
  const dir = path.join(work, 'cosqa');
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const { docid, text } of readJsonl(path.join(shared, 'cosqa/corpus.jsonl'))) fs.writeFileSync(path.join(dir, `${docid}.py`), text + '\n');
  fs.writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

function materialiseRepo(name, commit) {
  const dir = path.join(work, `${name.replace('/', '__')}@${commit}`);
  if (fs.existsSync(path.join(dir, '.complete'))) return dir;
  const gitDir = gitDirs[name];
  if (!gitDir || !fs.existsSync(gitDir)) throw new Error(`SWE-QA needs ${name} as a git folder: pass --${name.split('/')[1]}-git DIR`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['--git-dir', gitDir, 'archive', commit], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  fs.writeFileSync(path.join(dir, '.complete'), '');
  return dir;
}

function runCli(cliArgs) {
  const r = spawnSync(process.execPath, [cli, ...cliArgs], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`grounded ${cliArgs[0]} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Index a folder from scratch with the CLI and run its queries as one batch. */
function evaluateFolder(folder, queries) {
  const indexDir = path.join(work, 'indexes', path.basename(folder));
  fs.rmSync(indexDir, { recursive: true, force: true });
  let t = Date.now();
  runCli(['index', folder, '--index-dir', indexDir]);
  const indexSeconds = (Date.now() - t) / 1000;
  const batch = path.join(work, `${path.basename(folder)}.queries.jsonl`);
  fs.writeFileSync(batch, queries.map((q) => JSON.stringify({ id: q.qid, text: q.text })).join('\n') + '\n');
  t = Date.now();
  const lines = runCli(['query', folder, '--batch', batch, '--index-dir', indexDir, '--top-k', topK, '--no-update']).trim().split('\n');
  const queryMs = (Date.now() - t) / Math.max(1, queries.length);
  const ranked = new Map(lines.map((l) => JSON.parse(l)).map((r) => [r.id, foldToFiles(r.results)]));
  return { ranked, indexSeconds, queryMs };
}

// --- whole-file BM25 baseline (each file one document, lowercase alphanumeric runs) ---
function listFiles(root) {
  const out = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name === '.git' || e.name === '.complete') continue;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk('');
  return out;
}
function baseline(folder, queries) {
  const tok = (s) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const docs = listFiles(folder).map((p) => {
    const buf = fs.readFileSync(path.join(folder, p));
    const tf = new Map();
    const toks = buf.includes(0) ? [] : tok(buf.toString('utf8'));
    for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { p, tf, len: toks.length };
  });
  const df = new Map();
  for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const avgdl = docs.reduce((s, d) => s + d.len, 0) / docs.length;
  const N = docs.length;
  const ranked = new Map();
  for (const q of queries) {
    const terms = [...new Set(tok(q.text))];
    const scored = docs.map((d) => {
      let s = 0;
      for (const t of terms) {
        const f = d.tf.get(t);
        if (!f) continue;
        const n = df.get(t);
        s += Math.log(1 + (N - n + 0.5) / (n + 0.5)) * ((f * 2.2) / (f + 1.2 * (0.25 + (0.75 * d.len) / avgdl)));
      }
      return { p: d.p, s };
    });
    ranked.set(q.qid, scored.filter((x) => x.s > 0).sort((a, b) => b.s - a.s).slice(0, 10).map((x) => x.p));
  }
  return ranked;
}

function score(queries, gold, ranked) {
  return summarise(queries.map((q) => ({ ranked: ranked.get(q.qid) ?? [], gold: gold.get(q.qid) ?? new Set() })));
}

const rows = [];
const fmt = (x) => x.toFixed(3);
function report(name, queries, gold, folderRuns) {
  const ranked = new Map(folderRuns.flatMap((r) => [...r.ranked]));
  const s = score(queries, gold, ranked);
  const base = score(queries, gold, new Map(folderRuns.flatMap((r) => [...r.baseline])));
  const indexSeconds = folderRuns.reduce((a, r) => a + r.indexSeconds, 0);
  const queryMs = folderRuns.reduce((a, r) => a + r.queryMs * r.n, 0) / queries.length;
  rows.push({ set: name, grounded: s, baseline: base, indexSeconds, queryMs });
}

if (set === 'cosqa' || set === 'all') {
  const folder = materialiseCosqa();
  const queries = readJsonl(path.join(shared, 'cosqa/queries.jsonl'));
  // CoSQA's qrels name functions by docid; each was written to <docid>.py.
  const gold = new Map([...readQrels(path.join(shared, 'cosqa/qrels.tsv'))].map(([q, ids]) => [q, new Set([...ids].map((id) => `${id}.py`))]));
  const run = evaluateFolder(folder, queries);
  report('cosqa', queries, gold, [{ ...run, baseline: baseline(folder, queries), n: queries.length }]);
}
if (set === 'sweqa' || set === 'all') {
  const queries = readJsonl(path.join(shared, 'sweqa-dev/queries.jsonl'));
  const gold = readQrels(path.join(shared, 'sweqa-dev/qrels.tsv'));
  const runs = [];
  for (const repoName of [...new Set(queries.map((q) => q.repo))]) {
    const mine = queries.filter((q) => q.repo === repoName);
    const folder = materialiseRepo(repoName, mine[0].commit);
    const run = { ...evaluateFolder(folder, mine), baseline: baseline(folder, mine), n: mine.length };
    report(`sweqa ${repoName}`, mine, gold, [run]);
    runs.push(run);
  }
  report('sweqa-dev (all)', queries, gold, runs);
}

console.log('| set | queries | R@10 | MRR@10 | nDCG@10 | baseline R@10 | baseline MRR@10 | baseline nDCG@10 | index s | query ms/q |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(`| ${r.set} | ${r.grounded.queries} | ${fmt(r.grounded.r10)} | ${fmt(r.grounded.mrr10)} | ${fmt(r.grounded.ndcg10)} | ${fmt(r.baseline.r10)} | ${fmt(r.baseline.mrr10)} | ${fmt(r.baseline.ndcg10)} | ${r.indexSeconds.toFixed(1)} | ${r.queryMs.toFixed(1)} |`);
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify({ when: new Date().toISOString(), node: process.version, topK: Number(topK), rows }, null, 2));
