/**
 * Child processes for the monorepo benchmark, measured from outside: wall time, peak RSS (GNU time's
 * "Maximum resident set size"), RSS of a live process (/proc), and a line-per-query conversation with
 * a process that holds its index open.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as fs from 'fs';
import * as readline from 'readline';

export const ms = (ns: bigint) => Number(ns) / 1e6;
export const now = () => process.hrtime.bigint();

export interface Timed {
  wallMs: number;
  /** User + system CPU time of the process and its threads (GNU time), steadier than wall time on a busy machine. */
  cpuMs: number;
  peakRssBytes: number;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs a command to its end under GNU time -v; throws on an exit code not in `ok`. */
export function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, ok: readonly number[] = [0]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t = now();
    const child = spawn(GNU_TIME, ['-v', cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = ms(now() - t);
      if (!ok.includes(code ?? -1)) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`));
      const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      if (!kb) return reject(new Error(`no peak RSS in GNU time's output:\n${stderr.slice(-500)}`));
      const seconds = (label: string) => Number(new RegExp(`${label} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1] ?? NaN);
      resolve({ wallMs, cpuMs: (seconds('User') + seconds('System')) * 1000, peakRssBytes: Number(kb[1]) * 1024, stdout, stderr });
    });
  });
}

/** VmRSS and VmHWM of a live process, in bytes. */
export function liveRss(pid: number): { rssBytes: number; hwmBytes: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: field('VmRSS'), hwmBytes: field('VmHWM') };
}

/**
 * A process answering JSON lines {"id","text"} with one JSON line each (Grounded's `query --batch -`,
 * fts5.py serve): ask() writes one query and resolves with its answer line and the round trip.
 */
export class LineServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = '';
  readonly startedAt = now();

  constructor(cmd: string, args: string[]) {
    this.child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d) => (this.stderr += d));
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
    this.child.on('exit', (code) => {
      if (this.waiting.length) throw new Error(`${cmd} exited ${code} with queries unanswered:\n${this.stderr.slice(-2000)}`);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  ask(id: string, text: string): Promise<{ answer: { id: string; results: unknown[] }; ms: number }> {
    const t = now();
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve({ answer: JSON.parse(line), ms: ms(now() - t) }));
      this.child.stdin.write(JSON.stringify({ id, text }) + '\n');
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.on('close', () => resolve());
      this.child.stdin.end();
    });
  }
}
