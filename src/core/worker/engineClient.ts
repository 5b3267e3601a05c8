import { Worker } from 'worker_threads';
import { IndexProgress } from '../engine';
import { EngineRequest, EngineResults, WorkerMessage } from './protocol';

export interface EngineClient {
  call<K extends EngineRequest['op']>(request: Extract<EngineRequest, { op: K }>): Promise<EngineResults[K]>;
  onProgress(listener: (p: IndexProgress) => void): () => void;
  terminate(): Promise<void>;
}

/**
 * Starts the engine worker (`workerFile`, the bundled `indexWorker.js`) and returns a client that
 * turns calls into messages. A crashed worker fails every pending call with its error.
 */
export function startEngineWorker(workerFile: string, log: (message: string) => void, resourceLimits?: { maxOldGenerationSizeMb?: number }): EngineClient {
  const worker = new Worker(workerFile, { resourceLimits });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const progressListeners = new Set<(p: IndexProgress) => void>();
  let nextId = 1;
  let dead: Error | undefined;

  worker.on('message', (m: WorkerMessage) => {
    if (m.kind === 'log') log(m.message);
    else if (m.kind === 'progress') progressListeners.forEach((l) => l(m.progress));
    else {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else {
        const err = new Error(m.error);
        if (m.name) err.name = m.name;
        p.reject(err);
      }
    }
  });
  const failAll = (err: Error) => {
    dead = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', (err) => failAll(new Error(`The indexing worker failed: ${err.message}`)));
  worker.on('exit', (code) => failAll(new Error(`The indexing worker stopped (exit code ${code}).`)));

  return {
    call(request) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ id, request });
      });
    },
    onProgress(listener) {
      progressListeners.add(listener);
      return () => progressListeners.delete(listener);
    },
    async terminate() {
      await worker.terminate();
    },
  };
}
