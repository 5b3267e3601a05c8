#!/usr/bin/env node
/**
 * Retrieval quality on the shared eval sets (CoSQA, SWE-QA dev and SWE-bench dev), measured at file level through the
 * CLI contract (`index <folder> --index-dir DIR`, then `query <folder> --batch FILE --index-dir DIR --top-k N`),
 * beside a whole-file BM25 baseline computed in this script on the same files.
 *
 *   npm run build && node bench/eval.mjs [--set cosqa|sweqa|swebench|all] [--work DIR] [--cli dist/cli.js]
 *        [--top-k 50] [--out bench/results/eval.json] [--reuse] [--baseline] [--no-baseline]
 *
 *   --set         which set(s) to run (default all)
 *   --work DIR    scratch folder for corpora, indexes and query batches (default $TMPDIR/grounded-eval);
 *                 it must be outside the repository (or in a gitignored folder of it)
 *   --cli FILE    the CLI to measure (default dist/cli.js)
 *   --top-k N     chunks asked of the CLI per query, before folding to files (default 50)
 *   --out FILE    JSON results (default bench/results/eval.json, gitignored); per-query details go to
 *                 <work>/per-query.json, outside the repository
 *   --reuse       keep corpora materialised by an earlier run when they match (the index is always rebuilt)
 *   --baseline    measure only the whole-file BM25 baseline (no CLI needed)
 *   --no-baseline skip the baseline
 *   --shared DIR  the eval sets (default ../shared/eval); --flask-git DIR, --requests-git DIR: bare git
 *                 folders of the SWE-QA repositories (default ../.mirror/<owner>+<name>/repo)
 *
 * Metrics (binary relevance, file level): ranked chunks are folded to files at each path's first occurrence,
 * then recall@1, recall@10, MRR@10 and nDCG@10 (ideal DCG over min(#gold, 10) gold files), with recall@5 as an extra.
 * Nothing from the eval sets is written into the repository: corpora live under --work.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { foldToFiles, scoreQuery, summarise } from './eval-metrics.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

/** Whole-file BM25 figures published in ../shared/README.md (R@10, MRR@10, nDCG@10), to check the baseline against. */
const PUBLISHED_BASELINE = {
  cosqa: { r10: 0.54, mrr10: 0.316, ndcg10: 0.369 },
  'sweqa-dev': { r10: 0.799, mrr10: 0.567, ndcg10: 0.573 },
  'swebench-dev': { r10: 0.824, mrr10: 0.275, ndcg10: 0.402 },
};

class UsageError extends Error {}
class CliError extends Error {}

// ---------------------------------------------------------------- arguments

const VALUED = new Set(['set', 'work', 'cli', 'top-k', 'out', 'shared', 'flask-git', 'requests-git']);
const SWITCHES = new Set(['reuse', 'baseline', 'no-baseline', 'help']);

function parseArgs(argv) {
  const opts = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new UsageError(`Unexpected argument ${a}.`);
    let [name, value] = a.slice(2).split(/=(.*)/s);
    if (SWITCHES.has(name) && value === undefined) {
      opts.set(name, true);
    } else if (VALUED.has(name)) {
      if (value === undefined) value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value.`);
      opts.set(name, value);
    } else {
      throw new UsageError(`Unknown option --${name}.`);
    }
  }
  return opts;
}

const USAGE = `Usage: node bench/eval.mjs [--set cosqa|sweqa|swebench|all] [--work DIR] [--cli dist/cli.js] [--top-k 50]
       [--out bench/results/eval.json] [--reuse] [--baseline | --no-baseline] [--shared DIR]
       [--flask-git DIR] [--requests-git DIR]`;

// ---------------------------------------------------------------- eval data

const readJsonl = (file) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new Error(`${file} line ${i + 1} is not JSON.`);
      }
    });

/** qrels.tsv: `qid<TAB>path<TAB>relevance`; relevance 0 lines are not gold. */
function readQrels(file) {
  const gold = new Map();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [qid, p, rel] = line.replace(/\r$/, '').split('\t');
    if (!qid || !p || (rel !== undefined && Number(rel) <= 0)) continue;
    if (!gold.has(qid)) gold.set(qid, new Set());
    gold.get(qid).add(p);
  }
  return gold;
}

// ---------------------------------------------------------------- corpora

function isInside(child, parent) {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The scratch folder must not put eval data where git would pick it up. */
function checkWorkDir(work) {
  if (!isInside(work, repoRoot)) return;
  const r = spawnSync('git', ['-C', repoRoot, 'check-ignore', '-q', path.relative(repoRoot, path.join(work, 'x'))]);
  if (r.status !== 0) throw new UsageError(`--work ${work} is inside the repository and not gitignored; use a folder outside it.`);
}

/** Write a corpus unless --reuse finds one with the same stamp. Stamps live beside the corpus, not in it. */
function materialise(ctx, name, stamp, write) {
  const dir = path.join(ctx.work, 'corpora', name);
  const stampFile = path.join(ctx.work, 'corpora', `${name}.stamp`);
  if (ctx.reuse && fs.existsSync(dir) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
    return { dir, reused: true, seconds: 0 };
  }
  const t = performance.now();
  fs.rmSync(stampFile, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  write(dir);
  fs.writeFileSync(stampFile, stamp);
  return { dir, reused: false, seconds: (performance.now() - t) / 1000 };
}

function materialiseCosqa(ctx, corpusFile) {
  const st = fs.statSync(corpusFile);
  const stamp = JSON.stringify({ corpus: corpusFile, size: st.size, mtime: st.mtimeMs });
  return materialise(ctx, 'cosqa', stamp, (dir) => {
    for (const { docid, text } of readJsonl(corpusFile)) {
      if (!/^[\w.-]+$/.test(String(docid))) throw new Error(`CoSQA docid ${JSON.stringify(docid)} is not usable as a file name.`);
      fs.writeFileSync(path.join(dir, `${docid}.py`), text.endsWith('\n') ? text : text + '\n');
    }
  });
}

function gitDirFor(ctx, repo) {
  const [owner, name] = repo.split('/');
  const override = ctx.opts.get(`${name}-git`);
  return path.resolve(override ?? path.join(repoRoot, '..', '.mirror', `${owner}+${name}`, 'repo'));
}

function materialiseRepo(ctx, repo, commit) {
  const gitDir = gitDirFor(ctx, repo);
  if (!fs.existsSync(gitDir)) {
    throw new UsageError(`${repo} is needed as a bare git folder; none at ${gitDir} (pass --${repo.split('/')[1]}-git DIR).`);
  }
  const verify = spawnSync('git', ['--git-dir', gitDir, 'rev-parse', '--verify', '--quiet', `${commit}^{commit}`], { encoding: 'utf8' });
  if (verify.status !== 0) throw new UsageError(`Commit ${commit} of ${repo} is not in ${gitDir}.`);
  const full = verify.stdout.trim();
  return materialise(ctx, `${repo.replace('/', '__')}@${commit}`, JSON.stringify({ repo, commit: full }), (dir) => {
    const tar = execFileSync('git', ['--git-dir', gitDir, 'archive', full], { maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar, maxBuffer: 1 << 30 });
  });
}

/** Every file under root, relative with `/`, in a stable order. */
function listFiles(root) {
  const out = [];
  const walk = (rel) => {
    const entries = fs.readdirSync(rel ? path.join(root, rel) : root, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk('');
  return out;
}

// ---------------------------------------------------------------- the CLI

function cliFailure(what, cliArgs, r) {
  const how = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
  const stderr = (r.stderr ?? '').trim().split('\n').slice(-30).join('\n');
  return new CliError(
    `${what} failed (${how}).\n  command: node ${[r.cli, ...cliArgs].join(' ')}` +
      (stderr ? `\n  stderr:\n${stderr.replace(/^/gm, '    ')}` : ''),
  );
}

function runCli(ctx, what, cliArgs) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [ctx.cli, ...cliArgs], { encoding: 'utf8', maxBuffer: 1 << 30, env: process.env });
  const seconds = (performance.now() - t) / 1000;
  if (r.error || r.status !== 0) throw cliFailure(what, cliArgs, { ...r, cli: ctx.cli });
  return { stdout: r.stdout, stderr: r.stderr, seconds };
}

/** Index `folder` into a fresh index dir with the CLI, then ask every query in one batch. */
function evaluateWithCli(ctx, name, folder, queries) {
  const indexDir = path.join(ctx.work, 'indexes', name);
  fs.rmSync(indexDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(indexDir), { recursive: true });
  const index = runCli(ctx, `grounded index (${name})`, ['index', folder, '--index-dir', indexDir]);
  const m = /Indexed (\d+) files into (\d+) chunks/.exec(index.stdout);
  const failed = /failed (\d+)/.exec(index.stdout);

  const batchFile = path.join(ctx.work, 'batches', `${name}.jsonl`);
  fs.mkdirSync(path.dirname(batchFile), { recursive: true });
  fs.writeFileSync(batchFile, queries.map((q) => JSON.stringify({ id: q.qid, text: q.text })).join('\n') + '\n');
  const queryArgs = ['query', folder, '--batch', batchFile, '--index-dir', indexDir, '--top-k', String(ctx.topK)];
  // The index was just built: skip the CLI's freshness scan when it offers that, so the timing is the queries'.
  if (ctx.cliHasNoUpdate) queryArgs.push('--no-update');
  const query = runCli(ctx, `grounded query --batch (${name})`, queryArgs);

  const ranked = new Map();
  // Result paths must name files of the folder (the CLI may follow symbolic links, so check on disk).
  const isFile = new Map();
  const known = (p) => {
    if (!isFile.has(p)) isFile.set(p, !path.isAbsolute(p) && !p.split('/').includes('..') && fs.statSync(path.join(folder, p), { throwIfNoEntry: false })?.isFile() === true);
    return isFile.get(p);
  };
  let unknownPaths = 0;
  query.stdout.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      throw new CliError(`grounded query --batch (${name}): output line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
    }
    if (!Array.isArray(r.results)) throw new CliError(`grounded query --batch (${name}): output line ${i + 1} has no "results" array.`);
    const files = foldToFiles(r.results.map((x) => String(x.path).replace(/\\/g, '/').replace(/^\.\//, '')));
    unknownPaths += files.filter((p) => !known(p)).length;
    ranked.set(String(r.id), files);
  });
  const missing = queries.filter((q) => !ranked.has(q.qid));
  if (missing.length) {
    throw new CliError(`grounded query --batch (${name}) answered ${ranked.size} of ${queries.length} queries (no line for ${missing[0].qid}${missing.length > 1 ? ` and ${missing.length - 1} more` : ''}).`);
  }
  if (unknownPaths) console.error(`warning: ${name}: ${unknownPaths} result paths are not files of the corpus folder (paths must be relative to it, with /).`);
  return {
    ranked,
    indexSeconds: index.seconds,
    querySeconds: query.seconds,
    indexed: m ? { files: Number(m[1]), chunks: Number(m[2]), failed: failed ? Number(failed[1]) : 0 } : undefined,
  };
}

// ---------------------------------------------------------------- whole-file BM25 baseline

const K1 = 1.2;
const B = 0.75;
/** The baseline's tokenizer: lowercase, then runs of ASCII letters and digits. */
const tokenize = (s) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Each text file of the folder is one document (files with a NUL byte or invalid UTF-8 are not documents).
 * Score = Σ over query tokens (with repeats) of idf·tf·(k1+1)/(tf + k1·(1 − b + b·len/avglen)),
 * idf = ln(1 + (N − df + 0.5)/(df + 0.5)). Ties go to the lexically smaller path.
 */
function baseline(folder, queries, depth = 10) {
  const t0 = performance.now();
  const paths = [];
  const lengths = [];
  const postings = new Map(); // term → [docIndex, tf, docIndex, tf, …]
  for (const p of listFiles(folder)) {
    const buf = fs.readFileSync(path.join(folder, p));
    if (buf.includes(0)) continue;
    let text;
    try {
      text = utf8.decode(buf);
    } catch {
      continue;
    }
    const doc = paths.length;
    paths.push(p);
    const toks = tokenize(text);
    lengths.push(toks.length);
    const tf = new Map();
    for (const t of toks) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, f] of tf) {
      let list = postings.get(t);
      if (!list) postings.set(t, (list = []));
      list.push(doc, f);
    }
  }
  const N = paths.length;
  const avglen = lengths.reduce((a, b) => a + b, 0) / Math.max(1, N);
  const norm = lengths.map((len) => K1 * (1 - B + (B * len) / (avglen || 1)));
  const indexSeconds = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  const ranked = new Map();
  const scores = new Float64Array(N);
  for (const q of queries) {
    scores.fill(0);
    const touched = new Set();
    for (const t of tokenize(q.text)) {
      const list = postings.get(t);
      if (!list) continue;
      const df = list.length / 2;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      for (let i = 0; i < list.length; i += 2) {
        const d = list[i];
        const f = list[i + 1];
        scores[d] += (idf * f * (K1 + 1)) / (f + norm[d]);
        touched.add(d);
      }
    }
    const top = [...touched]
      .filter((d) => scores[d] > 0)
      .sort((a, b) => scores[b] - scores[a] || (paths[a] < paths[b] ? -1 : 1))
      .slice(0, depth)
      .map((d) => paths[d]);
    ranked.set(q.qid, top);
  }
  return { ranked, indexSeconds, querySeconds: (performance.now() - t1) / 1000, documents: N };
}

// ---------------------------------------------------------------- one set

/**
 * Run one corpus folder (the CLI and/or the baseline) for its queries. Returns per-system results:
 * { ranked, indexSeconds, querySeconds, indexed? }.
 */
function runFolder(ctx, name, folder, queries) {
  const out = {};
  if (ctx.withCli) {
    process.stderr.write(`${name}: indexing and querying with the CLI (${queries.length} queries)…\n`);
    out.grounded = evaluateWithCli(ctx, name, folder, queries);
  }
  if (ctx.withBaseline) out.baseline = baseline(folder, queries);
  return out;
}

/** Summary rows for a group of queries answered by one or more folder runs. */
function rowsFor(ctx, setName, queries, gold, runs, recordPerQuery = true) {
  const rows = [];
  for (const system of ['grounded', 'baseline']) {
    const parts = runs.map((r) => r[system]).filter(Boolean);
    if (parts.length === 0) continue;
    const ranked = new Map(parts.flatMap((p) => [...p.ranked]));
    const s = summarise(queries.map((q) => ({ ranked: ranked.get(q.qid) ?? [], gold: gold.get(q.qid) })));
    const indexSeconds = parts.reduce((a, p) => a + p.indexSeconds, 0);
    const querySeconds = parts.reduce((a, p) => a + p.querySeconds, 0);
    const row = { set: setName, system, ...s, indexSeconds, queryMsPerQuery: (querySeconds * 1000) / Math.max(1, queries.length) };
    if (system === 'grounded') {
      const idx = parts.map((p) => p.indexed).filter(Boolean);
      if (idx.length === parts.length) row.indexed = idx.reduce((a, x) => ({ files: a.files + x.files, chunks: a.chunks + x.chunks, failed: a.failed + x.failed }), { files: 0, chunks: 0, failed: 0 });
    } else {
      row.documents = parts.reduce((a, p) => a + p.documents, 0);
    }
    rows.push(row);
    if (!recordPerQuery) continue;
    for (const q of queries) {
      const r = ranked.get(q.qid) ?? [];
      ctx.perQuery.push({ set: setName, system, qid: q.qid, gold: [...gold.get(q.qid)], top10: r.slice(0, 10), ...scoreQuery(r, gold.get(q.qid)) });
    }
  }
  return rows;
}

/** Queries with no gold cannot be scored; say so rather than count them as misses. */
function withGold(setName, queries, gold) {
  const kept = queries.filter((q) => gold.get(q.qid)?.size);
  if (kept.length < queries.length) console.error(`warning: ${setName}: ${queries.length - kept.length} queries have no qrels and are left out.`);
  return kept;
}

function runCosqa(ctx) {
  const dir = path.join(ctx.shared, 'cosqa');
  const gold = cosqaGold(dir);
  const queries = withGold('cosqa', readJsonl(path.join(dir, 'queries.jsonl')).map((q) => ({ qid: String(q.qid), text: q.text })), gold);
  const corpus = materialiseCosqa(ctx, path.join(dir, 'corpus.jsonl'));
  ctx.corpora.cosqa = corpus;
  const run = runFolder(ctx, 'cosqa', corpus.dir, queries);
  return rowsFor(ctx, 'cosqa', queries, gold, [run]);
}

/** CoSQA's qrels name functions by docid; each function is written to <docid>.py. */
function cosqaGold(dir) {
  return new Map([...readQrels(path.join(dir, 'qrels.tsv'))].map(([q, ids]) => [q, new Set([...ids].map((id) => `${id}.py`))]));
}

/**
 * A set whose queries each name a repository and commit (SWE-QA, SWE-bench): each group of queries is
 * answered from its own checkout of that commit.
 */
function runRepoSet(ctx, setName, label) {
  const dir = path.join(ctx.shared, setName);
  const gold = readQrels(path.join(dir, 'qrels.tsv'));
  const queries = withGold(setName, readJsonl(path.join(dir, 'queries.jsonl')).map((q) => ({ ...q, qid: String(q.qid) })), gold);
  // Route each query to its repository's folder (repository and commit from the query itself).
  const groups = new Map();
  for (const q of queries) {
    if (!q.repo || !q.commit) throw new Error(`${label} query ${q.qid} has no repo or commit.`);
    const key = `${q.repo}@${q.commit}`;
    if (!groups.has(key)) groups.set(key, { repo: q.repo, commit: q.commit, queries: [] });
    groups.get(key).queries.push(q);
  }
  const runs = [];
  const byRepo = new Map();
  for (const g of groups.values()) {
    const corpus = materialiseRepo(ctx, g.repo, g.commit);
    const name = `${g.repo.replace('/', '__')}@${g.commit}`;
    ctx.corpora[name] = corpus;
    const run = runFolder(ctx, name, corpus.dir, g.queries);
    runs.push(run);
    if (!byRepo.has(g.repo)) byRepo.set(g.repo, { queries: [], runs: [] });
    byRepo.get(g.repo).queries.push(...g.queries);
    byRepo.get(g.repo).runs.push(run);
  }
  const rows = [...byRepo].flatMap(([repo, r]) => rowsFor(ctx, `${setName} ${repo}`, r.queries, gold, r.runs, false));
  return [...rowsFor(ctx, setName, queries, gold, runs), ...rows];
}

const runSweqa = (ctx) => runRepoSet(ctx, 'sweqa-dev', 'SWE-QA');
/** SWE-bench issue reports: one checkout per query's commit; gold = the files the fix changed. */
const runSwebench = (ctx) => runRepoSet(ctx, 'swebench-dev', 'SWE-bench');

// ---------------------------------------------------------------- report

const f3 = (x) => x.toFixed(3);
const signed = (x) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(3);

function label(row) {
  return row.system === 'baseline' ? `${row.set} · BM25 whole-file baseline` : row.set;
}

function printReport(rows, comparison) {
  const lines = [];
  lines.push('| set | queries | R@1 | R@10 | MRR@10 | nDCG@10 | index s | query ms/q |');
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    lines.push(`| ${label(r)} | ${r.queries} | ${f3(r.r1)} | ${f3(r.r10)} | ${f3(r.mrr10)} | ${f3(r.ndcg10)} | ${r.indexSeconds.toFixed(1)} | ${r.queryMsPerQuery.toFixed(1)} |`);
  }
  lines.push('', '| set | R@5 |', '| --- | --- |');
  for (const r of rows) lines.push(`| ${label(r)} | ${f3(r.r5)} |`);
  if (comparison.length) {
    lines.push('', 'Baseline here vs the figures in shared/README.md (R@10 / MRR@10 / nDCG@10):', '');
    lines.push('| set | here | published | difference |', '| --- | --- | --- | --- |');
    for (const c of comparison) {
      lines.push(
        `| ${c.set} | ${f3(c.here.r10)} / ${f3(c.here.mrr10)} / ${f3(c.here.ndcg10)} | ${f3(c.published.r10)} / ${f3(c.published.mrr10)} / ${f3(c.published.ndcg10)} | ${signed(c.diff.r10)} / ${signed(c.diff.mrr10)} / ${signed(c.diff.ndcg10)} |`,
      );
    }
  }
  console.log(lines.join('\n'));
}

// ---------------------------------------------------------------- main

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.get('help')) {
    console.log(USAGE);
    return 0;
  }
  let set = opts.get('set') ?? 'all';
  if (set === 'sweqa-dev') set = 'sweqa';
  if (set === 'swebench-dev') set = 'swebench';
  if (!['cosqa', 'sweqa', 'swebench', 'all'].includes(set)) throw new UsageError(`--set must be cosqa, sweqa, swebench or all, not ${set}.`);
  const topK = Number(opts.get('top-k') ?? 50);
  if (!Number.isInteger(topK) || topK < 10) throw new UsageError('--top-k must be an integer of at least 10 (metrics are @10).');
  if (opts.get('baseline') && opts.get('no-baseline')) throw new UsageError('--baseline and --no-baseline exclude each other.');

  const ctx = {
    opts,
    topK,
    work: path.resolve(opts.get('work') ?? path.join(os.tmpdir(), 'grounded-eval')),
    cli: path.resolve(opts.get('cli') ?? path.join(repoRoot, 'dist', 'cli.js')),
    shared: path.resolve(opts.get('shared') ?? path.join(repoRoot, '..', 'shared', 'eval')),
    out: path.resolve(opts.get('out') ?? path.join(repoRoot, 'bench', 'results', 'eval.json')),
    reuse: Boolean(opts.get('reuse')),
    withCli: !opts.get('baseline'),
    withBaseline: !opts.get('no-baseline'),
    corpora: {},
    perQuery: [],
  };
  checkWorkDir(ctx.work);
  if (!fs.existsSync(ctx.shared)) throw new UsageError(`No eval sets at ${ctx.shared} (pass --shared DIR).`);
  if (ctx.withCli) {
    if (!fs.existsSync(ctx.cli)) {
      throw new CliError(`The CLI ${ctx.cli} does not exist: run \`npm run build\` first, pass --cli FILE, or measure only the baseline with --baseline.`);
    }
    const help = spawnSync(process.execPath, [ctx.cli, '--help'], { encoding: 'utf8' });
    ctx.cliHasNoUpdate = `${help.stdout}${help.stderr}`.includes('--no-update');
  }
  fs.mkdirSync(ctx.work, { recursive: true });

  const rows = [];
  if (set === 'cosqa' || set === 'all') rows.push(...runCosqa(ctx));
  if (set === 'sweqa' || set === 'all') rows.push(...runSweqa(ctx));
  if (set === 'swebench' || set === 'all') rows.push(...runSwebench(ctx));

  const comparison = rows
    .filter((r) => r.system === 'baseline' && PUBLISHED_BASELINE[r.set])
    .map((r) => {
      const published = PUBLISHED_BASELINE[r.set];
      const here = { r10: r.r10, mrr10: r.mrr10, ndcg10: r.ndcg10 };
      return { set: r.set, here, published, diff: Object.fromEntries(Object.keys(published).map((k) => [k, here[k] - published[k]])) };
    });
  printReport(rows, comparison);

  const embedModel = process.env.GROUNDED_EMBED_MODEL;
  const result = {
    when: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}, ${os.cpus().length} cores`,
    cli: ctx.withCli ? path.relative(repoRoot, ctx.cli) || ctx.cli : null,
    retrieval: ctx.withCli ? (embedModel ? `hybrid (GROUNDED_EMBED_MODEL=${embedModel})` : 'lexical') : null,
    topK,
    work: ctx.work,
    corpora: Object.fromEntries(Object.entries(ctx.corpora).map(([k, c]) => [k, { reused: c.reused, materialiseSeconds: c.seconds }])),
    metrics: 'file level, binary relevance: chunks folded to files at first occurrence; R@k, MRR@10, nDCG@10 (ideal over min(#gold, 10))',
    baseline: 'whole-file BM25 over text files, tokens = lowercase [a-z0-9]+ runs, k1=1.2, b=0.75, idf=ln(1+(N-df+0.5)/(df+0.5)), query tokens with repeats',
    rows,
    baselineVsPublished: comparison,
    perQuery: path.join(ctx.work, 'per-query.json'),
  };
  fs.mkdirSync(path.dirname(ctx.out), { recursive: true });
  fs.writeFileSync(ctx.out, JSON.stringify(result, null, 2) + '\n');
  fs.writeFileSync(result.perQuery, JSON.stringify(ctx.perQuery) + '\n');
  console.error(`\nResults: ${ctx.out}; per query: ${result.perQuery}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  if (err instanceof UsageError) {
    console.error(`eval: ${err.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof CliError) {
    console.error(`eval: ${err.message}`);
    process.exitCode = 1;
  } else {
    console.error(`eval: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  }
}
