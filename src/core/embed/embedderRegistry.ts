import { readIndexIdentity } from '../store/shardedStore';
import { Embedder, probeDimensions } from './embedder';
import { createOpenAIEmbedder, OpenAIEmbedderOptions } from './openaiEmbedder';

/** Which embedder, as settings or the environment name it: the provider, and what its factory needs. */
export interface EmbeddingSettings extends OpenAIEmbedderOptions {
  provider: string;
}

type EmbedderFactory = (settings: EmbeddingSettings) => Embedder;

/** Provider name → factory: adding a provider is its file and one line here. */
const PROVIDERS: Readonly<Record<string, EmbedderFactory>> = {
  openai: createOpenAIEmbedder,
};

export const EMBEDDING_PROVIDERS: readonly string[] = Object.keys(PROVIDERS);

export function createEmbedder(settings: EmbeddingSettings): Embedder {
  const factory = Object.hasOwn(PROVIDERS, settings.provider) ? PROVIDERS[settings.provider] : undefined;
  if (!factory) throw new Error(`Unknown embeddings provider "${settings.provider}" (known: ${EMBEDDING_PROVIDERS.join(', ')}).`);
  return factory(settings);
}

/**
 * An embedder for an index folder: when the index there was built by this provider and model, its
 * recorded vector length is used, so the index opens (and lexical search works) even while the
 * endpoint is down; otherwise the length is configured or probed.
 */
export async function embedderForIndex(settings: EmbeddingSettings, indexDir: string): Promise<Embedder> {
  const existing = await readIndexIdentity(indexDir);
  const same = existing && existing.provider === settings.provider && existing.model === settings.model;
  const known = same && (!settings.dimensions || settings.dimensions === existing.dimensions) ? existing.dimensions : undefined;
  return probeDimensions(createEmbedder({ ...settings, dimensions: settings.dimensions || known }));
}
