import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { connect, Connection, WorkerStoppedError } from '../worker/rpcConnection';
import { CodeChunkFn } from './chunkFile';

/** What a code-chunking thread serves: the engine thread's own chunker, run there. */
export interface CodeChunkApi {
  chunk: CodeChunkFn;
}

/** What a code-chunking thread tells the engine unasked. */
export interface CodeChunkEvents {
  log: string;
}

type PoolWorker = Connection<CodeChunkApi, CodeChunkEvents>;

/**
 * Code chunking on worker threads, one fewer than the cores (the engine's own thread keeps one).
 * Requests go to the least busy worker; the workers hold no state but loaded grammars, so a worker
 * that dies is replaced and what it held is chunked by `fallback` on the engine's thread.
 * Idle workers do not keep the process alive.
 */
export function createCodeChunkPool(workerFile: string, size: number, fallback: CodeChunkFn, log?: (message: string) => void): CodeChunkFn & { close(): Promise<void> } {
  const workers: (PoolWorker | undefined)[] = new Array(size).fill(undefined);

  const start = (slot: number): PoolWorker => {
    const entry: PoolWorker = connect<CodeChunkApi, CodeChunkEvents>(new Worker(workerFile), {
      name: 'code-chunking thread',
      unrefWhenIdle: true,
      onStopped: (err, pending) => {
        if (workers[slot] === entry) workers[slot] = undefined;
        if (pending > 0) log?.(`${err.message.replace(/\.$/, '')}; its files are chunked on the indexing thread.`);
      },
    });
    if (log) entry.on('log', log);
    workers[slot] = entry;
    return entry;
  };

  const chunk: CodeChunkFn = (file, text, lang, opts) => {
    let best = 0;
    for (let i = 1; i < size; i++) if ((workers[i]?.pending ?? 0) < (workers[best]?.pending ?? 0)) best = i;
    const entry = workers[best] ?? start(best);
    // A thread that stops fails what it held with WorkerStoppedError; only that is re-chunked here.
    return entry.api.chunk(file, text, lang, opts).catch((err: unknown) => {
      if (err instanceof WorkerStoppedError) return fallback(file, text, lang, opts);
      throw err;
    });
  };

  return Object.assign(chunk, {
    async close() {
      await Promise.all(workers.map((w) => w?.terminate()));
    },
  });
}

/** Where the worker script is: beside the bundle in `dist/`, or beside this file when compiled by tsc. */
export function codeChunkWorkerFile(): string | undefined {
  const file = path.join(__dirname, 'codeChunkWorker.js');
  return fs.existsSync(file) ? file : undefined;
}

/** Threads for code chunking on this machine: none on one core. */
export function codeChunkThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.min(4, cores - 1);
}
