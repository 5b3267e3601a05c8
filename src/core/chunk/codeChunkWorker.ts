import { parentPort } from 'worker_threads';
import { createCodeChunker } from './codeChunker';
import { CodeChunkReply, CodeChunkRequest } from './codeChunkPool';

/**
 * A thread that parses code with tree-sitter for the engine, so that parsing (most of a full run's
 * work) runs on another core, beside the engine's reading, tokenizing and writing.
 */
const port = parentPort!;
const chunkCode = createCodeChunker(undefined, (message) => port.postMessage({ log: message } satisfies CodeChunkReply));

port.on('message', async ({ id, path, text, lang, opts }: CodeChunkRequest) => {
  try {
    port.postMessage({ id, chunks: await chunkCode(path, text, lang, opts) } satisfies CodeChunkReply);
  } catch (err) {
    port.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies CodeChunkReply);
  }
});
