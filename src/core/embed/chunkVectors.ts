import { StoredChunk } from '../store/records';
import { Embedder } from './embedder';
import { EmbeddingCache } from './embeddingCache';

const EMBED_BATCH = 64;

/** Where a file's chunk vectors come from: the embedder, through the cache of texts embedded before. */
export interface VectorSource {
  embedder: Embedder;
  cache?: EmbeddingCache;
}

/** The text a chunk is embedded as: its place and title give the vector context the body lacks. */
export function embeddingText(c: StoredChunk): string {
  return `${c.path} — ${c.title}\n${c.text}`;
}

/** Each chunk's vector (none without a source): from the cache when its text was embedded before. */
export async function chunkVectors(chunks: StoredChunk[], source: VectorSource | undefined, signal?: AbortSignal): Promise<{ vectors?: ArrayLike<number>[]; embedded: number }> {
  if (!source) return { embedded: 0 };
  const vectors: ArrayLike<number>[] = [];
  const missing: number[] = [];
  chunks.forEach((c, i) => {
    const cached = source.cache?.get(c.hash);
    if (cached) vectors[i] = cached;
    else missing.push(i);
  });
  for (let i = 0; i < missing.length; i += EMBED_BATCH) {
    const batch = missing.slice(i, i + EMBED_BATCH);
    const embedded = await source.embedder.embed(batch.map((k) => embeddingText(chunks[k])), signal);
    batch.forEach((k, j) => {
      vectors[k] = embedded[j];
      source.cache?.put(chunks[k].hash, embedded[j]);
    });
  }
  return { vectors, embedded: missing.length };
}
