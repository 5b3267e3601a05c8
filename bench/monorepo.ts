/**
 * The real-code monorepo benchmark (issue #16): Grounded's CLI beside SQLite FTS5 and ripgrep, in one
 * run, on a folder assembled by bench/monorepo/assemble.sh.
 *
 *   npm run build && npm run compile-tests && node out/bench/monorepo.js <folder> [--fts5] [--rg] [--label 1x|4x] [--edit REL] [--first-runs N] [--work DIR] [--skip-grounded]
 *   npm run bench -- --monorepo <folder> [--fts5] [--rg] …
 *   node out/bench/monorepo.js --table bench/results/monorepo-1x.json   (the table again, from a run's results)
 *
 * Every system runs in child processes, measured from outside (wall time, GNU time's peak RSS, /proc
 * for a live process). Grounded: cold `index` into a fresh index folder, one `query --no-update` per
 * process, `query --batch -` holding the index open, `index` after one edited file. The floor (discover,
 * read and tokenize every file, no index) runs here, in one process, with Grounded's own discovery and
 * tokenizer. Results: bench/results/monorepo-<label>.json and a Markdown table on stdout.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { withDefaults } from '../src/core/config';
import { discoverFiles } from '../src/core/discovery/walk';
import { tokenize } from '../src/core/lexical/tokenize';
import { readSharedIndexSettings } from '../src/vscode/sharedSettingsFile';
import { liveRss, ms, now } from './monorepo/processes';
import { MONOREPO_QUERIES } from './monorepo/queries';
import { monorepoTable } from './monorepo/table';
import { fts5, grounded, ripgrep, System } from './monorepo/systems';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const log = (m: string) => console.error(`[monorepo ${new Date().toISOString().slice(11, 19)}] ${m}`);
const WARM_ROUNDS = 3;

const VALUED = ['--label', '--edit', '--work', '--first-runs', '--table'];

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The first argument that is neither an option nor an option's value. */
function folderArgument(): string | undefined {
  const args = process.argv.slice(2);
  return args.find((a, i) => !a.startsWith('--') && !VALUED.includes(args[i - 1]));
}

/** Grounded's discovery with the folder's own shared settings, as the CLI sees it; and the floor over its files. */
async function discoverAndFloor(folder: string) {
  const cpu = process.cpuUsage();
  let t = now();
  const { files } = await discoverFiles(folder, withDefaults(readSharedIndexSettings(folder)));
  const discoverMs = ms(now() - t);
  t = now();
  let tokens = 0;
  let bytes = 0;
  for (const f of files) {
    const text = await fs.promises.readFile(path.join(folder, f.relPath), 'utf8');
    bytes += f.size;
    tokens += tokenize(text).length;
  }
  const readTokenizeMs = ms(now() - t);
  const used = process.cpuUsage(cpu);
  const floorCpuMs = (used.user + used.system) / 1000;
  return { files: files.map((f) => f.relPath), bytes, tokens, discoverMs, readTokenizeMs, floorMs: discoverMs + readTokenizeMs, floorCpuMs };
}

/** A fresh process per query (open + query + exit), `--first-runs` of them (default 5) on different questions. */
async function firstQueries(system: System) {
  const times: number[] = [];
  const cpu: number[] = [];
  for (const q of MONOREPO_QUERIES.slice(0, Number(option('first-runs') ?? 5))) {
    const r = await system.queryOnce(q);
    times.push(r.wallMs);
    cpu.push(r.cpuMs);
  }
  return { p50Ms: pct(times, 50), maxMs: Math.max(...times), cpuP50Ms: pct(cpu, 50), runs: times };
}

/** One process holding the index: a warm-up round, then WARM_ROUNDS timed rounds over every question, then its RSS. */
async function heldOpen(system: System) {
  const server = system.serve();
  const first = await server.ask('first', MONOREPO_QUERIES[0]);
  const firstAnswerMs = ms(now() - server.startedAt);
  for (const q of MONOREPO_QUERIES) await server.ask('warm-up', q);
  const times: number[] = [];
  let hits = 0;
  for (let r = 0; r < WARM_ROUNDS; r++) {
    for (const [i, q] of MONOREPO_QUERIES.entries()) {
      const a = await server.ask(String(i), q);
      times.push(a.ms);
      if (r === 0) hits += a.answer.results.length;
    }
  }
  const rss = liveRss(server.pid);
  await server.close();
  if (first.answer.results.length === 0) throw new Error(`${system.name} found nothing for "${MONOREPO_QUERIES[0]}"`);
  return { firstAnswerMs, p50Ms: pct(times, 50), p95Ms: pct(times, 95), queries: times.length, resultsPerQuery: hits / MONOREPO_QUERIES.length, ...rss };
}

/**
 * Appends a made-up word to one file, times the system's update, checks the word is found in that file,
 * then restores the file and times the update back. Also times an update with nothing changed.
 */
async function afterOneEdit(system: System, folder: string, rel: string) {
  const unchanged = await system.update();
  const abs = path.join(folder, rel);
  const original = fs.readFileSync(abs);
  const marker = `zqxbench${Date.now()}`;
  fs.writeFileSync(abs, Buffer.concat([original, Buffer.from(`\n${marker}\n`)]));
  let edited;
  try {
    edited = await system.update();
    const top = await system.topPaths(marker);
    if (!top.includes(rel)) throw new Error(`${system.name}: after the edit, "${marker}" finds ${top.join(', ') || 'nothing'}, not ${rel}`);
  } finally {
    fs.writeFileSync(abs, original);
  }
  const restored = await system.update();
  return { file: rel, editedMs: edited.wallMs, editedCpuMs: edited.cpuMs, restoredMs: restored.wallMs, unchangedMs: unchanged.wallMs, editedPeakRssBytes: edited.peakRssBytes };
}

/** Each measure lands in `into` as soon as it is taken, and `save` writes the results so far. */
async function measureSystem(system: System, folder: string, editRel: string, into: Record<string, unknown>, save: () => void) {
  log(`${system.name}: cold build`);
  const build = await system.build();
  into.build = { wallMs: build.wallMs, cpuMs: build.cpuMs, peakRssBytes: build.peakRssBytes, chunks: build.chunks, stalls: build.stalls };
  save();
  log(`${system.name}: built ${build.chunks} chunks in ${(build.wallMs / 1000).toFixed(1)} s; first queries`);
  into.first = await firstQueries(system);
  save();
  log(`${system.name}: held open`);
  into.held = await heldOpen(system);
  save();
  log(`${system.name}: one edit`);
  into.edit = await afterOneEdit(system, folder, editRel);
  save();
}

async function measureRipgrep(folder: string) {
  for (const q of MONOREPO_QUERIES) await ripgrep(folder, q); // the page cache, as for the others' warm-up
  const times: number[] = [];
  const files: number[] = [];
  let peak = 0;
  for (const q of MONOREPO_QUERIES) {
    const r = await ripgrep(folder, q);
    times.push(r.wallMs);
    files.push(r.stdout.split('\n').filter(Boolean).length);
    peak = Math.max(peak, r.peakRssBytes);
  }
  return { p50Ms: pct(times, 50), p95Ms: pct(times, 95), peakRssBytes: peak, filesListedP50: pct(files, 50) };
}

function editTarget(files: string[]): string {
  const wanted = option('edit');
  if (wanted && !files.includes(wanted)) throw new Error(`--edit ${wanted} is not among the discovered files`);
  return wanted ?? files.find((f) => f.endsWith('flask/src/flask/app.py')) ?? files[Math.floor(files.length / 2)];
}

async function main() {
  const saved = option('table');
  if (saved) {
    const r = JSON.parse(fs.readFileSync(saved, 'utf8'));
    return console.log(monorepoTable(r, r.label));
  }
  const given = folderArgument();
  const folder = given && path.resolve(given);
  if (!folder || !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) throw new Error('usage: monorepo.js <folder> [--fts5] [--rg] [--label 1x|4x] [--edit REL] [--first-runs N] [--work DIR]');
  const label = option('label') ?? '1x';
  const scratch = option('work') ?? os.tmpdir();
  fs.mkdirSync(scratch, { recursive: true });
  const work = fs.mkdtempSync(path.join(scratch, 'grounded-monorepo-'));
  const results: Record<string, unknown> = { when: new Date().toISOString(), node: process.version, cpus: os.cpus().length, folder, label, loadAvgAtStart: os.loadavg() };
  log(`discovery and floor over ${folder}`);
  const floor = await discoverAndFloor(folder);
  const filesJson = path.join(work, 'files.json');
  fs.writeFileSync(filesJson, JSON.stringify(floor.files));
  results.corpus = { files: floor.files.length, bytes: floor.bytes, tokens: floor.tokens };
  results.floor = { discoverMs: floor.discoverMs, readTokenizeMs: floor.readTokenizeMs, floorMs: floor.floorMs, floorCpuMs: floor.floorCpuMs };
  const editRel = editTarget(floor.files);
  const out = path.resolve(__dirname, `../../bench/results/monorepo-${label}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Written after each measure: a long run stopped part way keeps what it measured.
  const save = () => {
    results.loadAvgAtEnd = os.loadavg();
    fs.writeFileSync(out, JSON.stringify(results, null, 2));
  };
  // --skip-grounded: only the others (to finish a run whose Grounded part was measured before).
  if (!process.argv.includes('--skip-grounded')) await measureSystem(grounded(folder, path.join(work, 'grounded-index'), work), folder, editRel, (results.grounded = {}), save);
  if (process.argv.includes('--fts5')) await measureSystem(fts5(folder, filesJson, path.join(work, 'fts5.db')), folder, editRel, (results.fts5 = {}), save);
  if (process.argv.includes('--rg')) results.ripgrep = await measureRipgrep(folder);
  save();
  console.log(monorepoTable(results, label));
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
