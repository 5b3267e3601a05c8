/**
 * The top self-time costs of `node --cpu-prof` profiles (one file a thread), mapped through the bundle's
 * source map back to src/ files, for "what costs N× the floor":
 *
 *   node --cpu-prof --cpu-prof-dir /tmp/prof dist/cli.js index <folder> --index-dir /tmp/idx
 *   node out/bench/monorepo/cpuProfileTop.js /tmp/prof [--top 25]
 *
 * Prints, per profile: its duration, then the functions and the source files with the most self time.
 */
import * as fs from 'fs';
import { SourceMap, SourceMapping } from 'module';
import * as path from 'path';
import { fileURLToPath } from 'url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const maps = new Map<string, SourceMap | undefined>();

function sourceMapFor(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    let map: SourceMap | undefined;
    try {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

/** "name (src/core/…:line)" for a frame in a bundle with a source map; node's own and native frames as they are. */
function place(f: CallFrame): { fn: string; file: string } {
  const found = f.url ? sourceMapFor(f.url)?.findEntry(f.lineNumber, f.columnNumber) : undefined;
  const entry = found && 'originalSource' in found ? (found as SourceMapping) : undefined;
  if (entry?.originalSource) {
    const file = entry.originalSource.replace(/^.*?(src\/|node_modules\/)/, '$1');
    return { fn: `${f.functionName || '(anonymous)'} (${file}:${entry.originalLine + 1})`, file };
  }
  const file = f.url ? path.basename(f.url) : `(${f.functionName || 'native'})`;
  return { fn: `${f.functionName || '(anonymous)'} ${f.url ? `(${file}:${f.lineNumber + 1})` : ''}`.trim(), file };
}

function selfTimes(p: CpuProfile): { byFn: Map<string, number>; byFile: Map<string, number>; totalMs: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const where = place(byId.get(id)!.callFrame);
    byFn.set(where.fn, (byFn.get(where.fn) ?? 0) + ms);
    byFile.set(where.file, (byFile.get(where.file) ?? 0) + ms);
  });
  return { byFn, byFile, totalMs: (p.endTime - p.startTime) / 1000 };
}

function top(m: Map<string, number>, n: number, totalMs: number): string[] {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `  ${(v / 1000).toFixed(2).padStart(7)} s ${((100 * v) / totalMs).toFixed(1).padStart(5)}%  ${k}`);
}

function main() {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: cpuProfileTop.js <dir of .cpuprofile files> [--top N]');
  const at = process.argv.indexOf('--top');
  const n = at > 0 ? Number(process.argv[at + 1]) : 25;
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const { byFn, byFile, totalMs } = selfTimes(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
    console.log(`${name}: ${(totalMs / 1000).toFixed(1)} s profiled\n by function (self time):`);
    console.log(top(byFn, n, totalMs).join('\n'));
    console.log(' by source file (self time):');
    console.log(top(byFile, Math.ceil(n / 2), totalMs).join('\n'));
  }
}

main();
