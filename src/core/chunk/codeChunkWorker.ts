import { parentPort } from 'worker_threads';
import { eventSender, serve } from '../worker/rpc';
import { createCodeChunker } from './codeChunker';
import { CodeChunkApi, CodeChunkEvents } from './codeChunkPool';

/**
 * A thread that parses code with tree-sitter for the engine, so that parsing (most of a full run's
 * work) runs on another core, beside the engine's reading, tokenizing and writing.
 */
const port = parentPort!;
const emit = eventSender<CodeChunkEvents>(port);
serve<CodeChunkApi>(port, { chunk: createCodeChunker(undefined, (message) => emit('log', message)) });
