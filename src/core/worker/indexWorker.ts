import * as path from 'path';
import { parentPort } from 'worker_threads';
import { Engine } from '../engine';
import { INDEX_FOLDER_NAME } from '../store/indexLocation';
import { embedderForIndex } from '../embed/embedderRegistry';
import { EngineApi, EngineEvents } from './engineApi';
import { eventSender, serve } from './rpc';

/**
 * The engine in a worker thread, so that reading, chunking and scoring never block the editor's
 * extension host. One engine a worker; calls may overlap (a query during a full index).
 */
const port = parentPort;
if (!port) throw new Error('indexWorker must run in a worker thread');

const emit = eventSender<EngineEvents>(port);
const log = (message: string) => emit('log', message);
let engine: Engine | undefined;

function opened(): Engine {
  if (!engine) throw new Error('The index is not open.');
  return engine;
}

const api: EngineApi = {
  async open(options) {
    const { embedding, ...rest } = options;
    const indexDir = rest.indexDir ?? path.join(rest.folder, INDEX_FOLDER_NAME);
    engine = await Engine.open({ ...rest, log, embedder: embedding ? await embedderForIndex(embedding, indexDir) : undefined });
    // An editor asks questions soon after opening: the catalog is read now, not at the first one.
    engine.warm();
    return { rebuildReason: engine.rebuildReason, chunks: engine.chunkCount };
  },
  indexAll: () => opened().indexAll({ onProgress: (progress) => emit('progress', progress) }),
  cancelIndex: () => opened().cancelIndex(),
  pause: () => opened().pause(),
  resume: () => opened().resume(),
  updateFile: (relPath) => opened().updateFile(relPath),
  removeFile: (relPath) => opened().removeFile(relPath),
  query: (text, options) => opened().query(text, options),
  status: (opts) => opened().status(opts),
  size: async () => opened().size(),
  close: () => opened().close(),
};

serve(port, api);
