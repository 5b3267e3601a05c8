import { Worker } from 'worker_threads';
import { IndexProgress } from '../engine';
import { EngineApi, EngineEvents } from './engineApi';
import { Remote } from './rpc';
import { connect } from './rpcConnection';

export interface EngineClient {
  /** The engine in the worker; a call to a worker that crashed or exited fails with why. */
  api: Remote<EngineApi>;
  onProgress(listener: (p: IndexProgress) => void): () => void;
  terminate(): Promise<void>;
}

/** Starts the engine worker (`workerFile`, the bundled `indexWorker.js`) and connects to it. */
export function startEngineWorker(workerFile: string, log: (message: string) => void, resourceLimits?: { maxOldGenerationSizeMb?: number }): EngineClient {
  const connection = connect<EngineApi, EngineEvents>(new Worker(workerFile, { resourceLimits }), { name: 'indexing worker' });
  connection.on('log', log);
  return {
    api: connection.api,
    onProgress: (listener) => connection.on('progress', listener),
    terminate: () => connection.terminate(),
  };
}
