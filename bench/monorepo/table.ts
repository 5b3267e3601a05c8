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

function rowsFor(s: Results | undefined, floor: Results) {
  if (!s) return undefined;
  const stalls = (s.build.stalls ?? []) as { thread: string; maxLoopMs: number; maxTimerLateMs: number }[];
  const main = stalls.find((x) => x.thread === 'main');
  const workers = stalls.filter((x) => x.thread !== 'main');
  return {
    warm: `${time(s.held.p50Ms)} (p95 ${time(s.held.p95Ms)})`,
    first: `${time(s.first.p50Ms)} (max ${time(s.first.maxMs)}${cpu(s.first.cpuP50Ms)})`,
    rss: MB(s.held.rssBytes),
    edit: `${time(s.edit.editedMs)} (${s.edit.editedCpuMs === undefined ? '' : `CPU ${time(s.edit.editedCpuMs)}; `}nothing changed: ${time(s.edit.unchangedMs)})`,
    cold: `${time(s.build.wallMs)} (${s.build.chunks.toLocaleString('en-US')} chunks${cpu(s.build.cpuMs)})`,
    peak: MB(s.build.peakRssBytes),
    ratio: `${(s.build.wallMs / floor.floorMs).toFixed(2)}×${s.build.cpuMs && floor.floorCpuMs ? ` (CPU ${(s.build.cpuMs / floor.floorCpuMs).toFixed(2)}×)` : ''}`,
    stall: main
      ? `${time(main.maxLoopMs)} engine thread (5 ms timer ${time(main.maxTimerLateMs)} late)${workers.length ? `; parse workers ${workers.map((w) => time(w.maxLoopMs)).join(', ')}` : ''}`
      : 'n/a (one thread, no event loop)',
  };
}

export function monorepoTable(r: Results, label: string): string {
  const t = TARGETS[label] ?? TARGETS['1x'];
  const g = rowsFor(r.grounded, r.floor)!;
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
