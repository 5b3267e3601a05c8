/**
 * Turns texts into vectors. The engine works without one (lexical retrieval); with one, it adds
 * dense retrieval and fuses the two. `provider`, `model` and `dimensions` are recorded in the index,
 * and an index built by another embedder is rebuilt rather than mixed.
 */
export interface Embedder {
  readonly provider: string;
  readonly model: string;
  readonly dimensions: number;
  /** One vector per input, in order. Rejects with a message a person can act on. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

/** A failure to embed, with whether retrying later can help. */
export class EmbeddingError extends Error {
  constructor(
    message: string,
    /** True when retrying cannot help (bad key, unknown model, wrong dimensions). */
    readonly fatal: boolean,
  ) {
    super(message);
    this.name = 'EmbeddingError';
  }
}

/** Learns an embedder's vector length from one small request when it was not configured. */
export async function probeDimensions(embedder: Embedder, signal?: AbortSignal): Promise<Embedder> {
  if (embedder.dimensions === 0) await embedder.embed(['dimension probe'], signal);
  return embedder;
}
