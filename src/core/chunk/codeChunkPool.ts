import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { Chunk, ChunkOptions } from '../types';
import { CodeChunkFn } from './chunkFile';
import { LanguageInfo } from './languages';

export interface CodeChunkRequest {
  id: number;
  path: string;
  text: string;
  lang: LanguageInfo;
  opts: ChunkOptions;
}

export type CodeChunkReply = { id: number; chunks: Chunk[] } | { id: number; error: string } | { log: string };

interface Pending {
  resolve: (chunks: Chunk[]) => void;
  reject: (err: Error) => void;
  request: CodeChunkRequest;
}

interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Code chunking on worker threads, one fewer than the cores (the engine's own thread keeps one).
 * Requests go to the least busy worker; the workers hold no state but loaded grammars, so a worker
 * that dies is replaced and what it held is chunked by `fallback` on the engine's thread.
 * Idle workers do not keep the process alive.
 */
export function createCodeChunkPool(workerFile: string, size: number, fallback: CodeChunkFn, log?: (message: string) => void): CodeChunkFn & { close(): Promise<void> } {
  const workers: (PoolWorker | undefined)[] = new Array(size).fill(undefined);
  let nextId = 1;

  const start = (slot: number): PoolWorker => {
    const worker = new Worker(workerFile);
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: CodeChunkReply) => {
      if ('log' in reply) return log?.(reply.log);
      const p = entry.pending.get(reply.id);
      if (!p) return;
      entry.pending.delete(reply.id);
      if (entry.pending.size === 0) worker.unref();
      if ('error' in reply) p.reject(new Error(reply.error));
      else p.resolve(reply.chunks);
    });
    const fail = (why: string) => {
      if (workers[slot] === entry) workers[slot] = undefined;
      log?.(`The code-chunking thread stopped (${why}); its files are chunked on the indexing thread.`);
      for (const p of entry.pending.values()) {
        const { path: file, text, lang, opts } = p.request;
        fallback(file, text, lang, opts).then(p.resolve, p.reject);
      }
      entry.pending.clear();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => {
      if (entry.pending.size > 0) fail(`exit code ${code}`);
      else if (workers[slot] === entry) workers[slot] = undefined;
    });
    workers[slot] = entry;
    return entry;
  };

  const chunk: CodeChunkFn = (file, text, lang, opts) => {
    let best = 0;
    for (let i = 1; i < size; i++) if ((workers[i]?.pending.size ?? 0) < (workers[best]?.pending.size ?? 0)) best = i;
    const entry = workers[best] ?? start(best);
    const request: CodeChunkRequest = { id: nextId++, path: file, text, lang, opts };
    return new Promise<Chunk[]>((resolve, reject) => {
      if (entry.pending.size === 0) entry.worker.ref();
      entry.pending.set(request.id, { resolve, reject, request });
      entry.worker.postMessage(request);
    });
  };

  return Object.assign(chunk, {
    async close() {
      await Promise.all(workers.map((w) => w?.worker.terminate()));
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
