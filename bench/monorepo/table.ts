/** The monorepo benchmark's Markdown table, in the rows and targets of issue #16. */

/* eslint-disable @typescript-eslint/no-explicit-any -- the results object is the benchmark's own JSON */
type Results = Record<string, any>;

const TARGETS: Record<string, Record<string, string>> = {
  '1x': { warm: '≤ 2 ms', first: '≤ 0.5 s', rss: '≤ 150 MB', edit: '≤ 0.5 s', cold: '≤ 2× floor', peak: '≤ 400 MB', stall: '< 50 ms' },
  '4x': { warm: '≤ 6 ms', first: '≤ 1.5 s', rss: '≤ 400 MB', edit: '≤ 1 s', cold: '≤ 2× floor', peak: '≤ 600 MB', stall: '< 50 ms' },
};

const MB = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
const time = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`);

const cpu = (ms: number | undefined) => (ms === undefined ? '' : `; CPU ${time(ms)}`);

/** `format(part)` when the run measured that part, otherwise "not measured" (a run stopped part way). */
const cell = (part: Results | undefined, format: (p: Results) => string) => (part ? format(part) : 'not measured');

function stallCell(build: Results): string {
  const stalls = (build.stalls ?? []) as { thread: string; maxLoopMs: number; maxTimerLateMs: number }[];
  const main = stalls.find((x) => x.thread === 'main');
  const workers = stalls.filter((x) => x.thread !== 'main');
  if (!main) return 'n/a (one thread, no event loop)';
  return `${time(main.maxLoopMs)} engine thread (5 ms timer ${time(main.maxTimerLateMs)} late)${workers.length ? `; parse workers ${workers.map((w) => time(w.maxLoopMs)).join(', ')}` : ''}`;
}

function rowsFor(s: Results | undefined, floor: Results) {
  if (!s) return undefined;
  return {
    warm: cell(s.held, (h) => `${time(h.p50Ms)} (p95 ${time(h.p95Ms)})`),
    first: cell(s.first, (f) => `${time(f.p50Ms)} (max ${time(f.maxMs)}${cpu(f.cpuP50Ms)})`),
    rss: cell(s.held, (h) => MB(h.rssBytes)),
    edit: cell(s.edit, (e) => `${time(e.editedMs)} (${e.editedCpuMs === undefined ? '' : `CPU ${time(e.editedCpuMs)}; `}nothing changed: ${time(e.unchangedMs)})`),
    cold: cell(s.build, (b) => `${time(b.wallMs)} (${b.chunks.toLocaleString('en-US')} chunks${cpu(b.cpuMs)})`),
    peak: cell(s.build, (b) => MB(b.peakRssBytes)),
    ratio: cell(s.build, (b) => `${(b.wallMs / floor.floorMs).toFixed(2)}×${b.cpuMs && floor.floorCpuMs ? ` (CPU ${(b.cpuMs / floor.floorCpuMs).toFixed(2)}×)` : ''}`),
    stall: cell(s.build, stallCell),
  };
}

export function monorepoTable(r: Results, label: string): string {
  const t = TARGETS[label] ?? TARGETS['1x'];
  const g = rowsFor(r.grounded, r.floor) ?? rowsFor({}, r.floor)!;
  const f = rowsFor(r.fts5, r.floor);
  const rg = r.ripgrep;
  const c = r.corpus;
  const row = (what: string, key: keyof typeof g, rgCell: string, target: string) => `| ${what} | ${g[key]} | ${f ? f[key] : 'not run'} | ${rg ? rgCell : 'not run'} | ${target} |`;
  return [
    `Monorepo (${label}): ${c.files.toLocaleString('en-US')} files discovered, ${MB(c.bytes)}; floor (discover + read + tokenize, one process) ${time(r.floor.floorMs)} (discovery ${time(r.floor.discoverMs)}${cpu(r.floor.floorCpuMs)}).${r.loadAvgAtStart ? ` Load average (1 min) ${r.loadAvgAtStart[0].toFixed(1)} at the start, ${r.loadAvgAtEnd[0].toFixed(1)} at the end, on ${r.cpus} cores.` : ''}`,
    '',
    `| ${label} | Grounded | SQLite FTS5 | ripgrep | target |`,
    '| --- | --- | --- | --- | --- |',
    row('warm query p50 (batch, index loaded)', 'warm', rg ? `${time(rg.p50Ms)} (p95 ${time(rg.p95Ms)}; a process a query)` : '', t.warm),
    row('first answer after process start (open + query)', 'first', rg ? time(rg.p50Ms) : '', t.first),
    row('RSS holding the open index', 'rss', rg ? `${MB(rg.peakRssBytes)} (peak of one search)` : '', t.rss),
    row('`index` after editing one file (CLI, incremental)', 'edit', 'no index', t.edit),
    row('cold full index', 'cold', 'no index', ''),
    row('peak RSS, cold full index', 'peak', 'no index', t.peak),
    row('cold index ÷ read+tokenize floor', 'ratio', 'no index', t.cold),
    row('longest stall during a full index', 'stall', 'no index', t.stall),
  ].join('\n');
}
