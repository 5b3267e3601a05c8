import { Chunk, ChunkOptions } from '../types';
import { LanguageInfo } from './languages';

/** Chunks one file of code by its syntax: on the engine's thread, or on a pool of chunking threads. */
export type CodeChunkFn = (path: string, text: string, lang: LanguageInfo, opts: ChunkOptions) => Promise<Chunk[]>;
