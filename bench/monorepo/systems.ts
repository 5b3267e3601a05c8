/**
 * What the monorepo benchmark runs for each system, as child processes: Grounded through its CLI
 * (whatever dist/cli.js is built), SQLite FTS5 through fts5.py, ripgrep per query.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LineServer, Timed, timed } from './processes';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const STALL_PROBE = path.resolve(__dirname, 'stallProbe.js');
const FTS5 = path.resolve(__dirname, '../../../bench/monorepo/fts5.py');
const NODE = process.execPath;

/** A system measured the same way: build, update after an edit, a one-query process, a process holding the index. */
export interface System {
  name: string;
  build(): Promise<Timed & { chunks: number; stalls?: unknown[] }>;
  update(): Promise<Timed>;
  queryOnce(text: string): Promise<Timed>;
  /** The paths of the top results for `text`, for checking an edit is found. */
  topPaths(text: string): Promise<string[]>;
  serve(): LineServer;
}

export function grounded(folder: string, indexDir: string, work: string): System {
  const stallFile = path.join(work, 'stalls.jsonl');
  const queryArgs = (text: string) => [CLI, 'query', folder, '--index-dir', indexDir, '--no-update', '-k', '10', '--', text];
  return {
    name: 'Grounded',
    async build() {
      const env = { ...process.env, GROUNDED_BENCH_STALL_OUT: stallFile };
      const r = await timed(NODE, ['-r', STALL_PROBE, CLI, 'index', folder, '--index-dir', indexDir], env);
      const m = /Indexed (\d+) files into (\d+) chunks/.exec(r.stdout);
      if (!m) throw new Error(`unexpected index output: ${r.stdout}`);
      const stalls = fs.readFileSync(stallFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      return { ...r, chunks: Number(m[2]), stalls };
    },
    update: () => timed(NODE, [CLI, 'index', folder, '--index-dir', indexDir]),
    queryOnce: (text) => timed(NODE, queryArgs(text)),
    async topPaths(text) {
      const r = await timed(NODE, [CLI, 'query', folder, '--index-dir', indexDir, '--no-update', '--json', '-k', '3', '--', text]);
      return (JSON.parse(r.stdout).results as { path: string }[]).map((x) => x.path);
    },
    serve: () => new LineServer(NODE, [CLI, 'query', folder, '--index-dir', indexDir, '--no-update', '-k', '10', '--batch', '-']),
  };
}

export function fts5(folder: string, filesJson: string, db: string): System {
  return {
    name: 'SQLite FTS5',
    async build() {
      const r = await timed('python3', [FTS5, 'build', folder, filesJson, db]);
      return { ...r, chunks: JSON.parse(r.stderr.split('\n').find((l) => l.startsWith('{'))!).chunks };
    },
    update: () => timed('python3', [FTS5, 'update', folder, filesJson, db]),
    queryOnce: (text) => timed('python3', [FTS5, 'query', db, text]),
    async topPaths(text) {
      const r = await timed('python3', [FTS5, 'query', db, text]);
      return r.stdout.split('\n').filter(Boolean).slice(0, 3).map((l) => l.slice(0, l.lastIndexOf(':')));
    },
    serve: () => new LineServer('python3', [FTS5, 'serve', db]),
  };
}

const STOPWORDS = new Set('the and for how are is do does what where when with from into over a an to of on in by be it its this that i'.split(' '));

/** ripgrep as an agent would run it for a question: `rg -l -i -F` of its words (stopwords and 1-2 letter words dropped). */
export function ripgrepArgs(folder: string, text: string): string[] {
  const words = [...new Set((text.match(/\w+/g) ?? []).map((w) => w.toLowerCase()))].filter((w) => w.length > 2 && !STOPWORDS.has(w));
  return ['-l', '-i', '-F', '--no-require-git', ...words.flatMap((w) => ['-e', w]), '--', folder];
}

export function ripgrep(folder: string, text: string): Promise<Timed> {
  // Exit 1 is "no match", not a failure.
  return timed('rg', ripgrepArgs(folder, text), process.env, [0, 1]);
}
