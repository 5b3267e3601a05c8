import * as path from 'path';
import { parentPort } from 'worker_threads';
import { Engine } from '../engine';
import { embedderForIndex } from '../embed/embedderRegistry';
import { EngineRequest, WorkerMessage } from './protocol';

/**
 * The engine in a worker thread, so that reading, chunking and scoring never block the editor's
 * extension host. One engine a worker; requests may overlap (a query during a full index).
 */
const port = parentPort;
if (!port) throw new Error('indexWorker must run in a worker thread');

let engine: Engine | undefined;

const post = (m: WorkerMessage) => port.postMessage(m);
const log = (message: string) => post({ kind: 'log', message });

async function handle(req: EngineRequest): Promise<unknown> {
  if (req.op === 'open') {
    const { embedding, ...options } = req.options;
    const indexDir = options.indexDir ?? path.join(options.folder, '.grounded');
    engine = await Engine.open({ ...options, log, embedder: embedding ? await embedderForIndex({ provider: 'openai', ...embedding }, indexDir) : undefined });
    return { rebuildReason: engine.rebuildReason, chunks: engine.chunkCount };
  }
  if (!engine) throw new Error('The index is not open.');
  switch (req.op) {
    case 'indexAll':
      return engine.indexAll({ onProgress: (progress) => post({ kind: 'progress', progress }) });
    case 'cancelIndex':
      engine.cancelIndex();
      return null;
    case 'pause':
      engine.pause();
      return null;
    case 'resume':
      engine.resume();
      return null;
    case 'updateFile':
      await engine.updateFile(req.path);
      return null;
    case 'removeFile':
      await engine.removeFile(req.path);
      return null;
    case 'query':
      return engine.query(req.text, req.options);
    case 'status':
      return engine.status({ diskBytes: true });
    case 'close':
      await engine.close();
      return null;
  }
}

port.on('message', (msg: { id: number; request: EngineRequest }) => {
  handle(msg.request).then(
    (value) => post({ kind: 'reply', id: msg.id, ok: true, value }),
    (err: unknown) => post({ kind: 'reply', id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : undefined }),
  );
});
