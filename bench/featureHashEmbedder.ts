import { Embedder } from '../src/core/embed/embedder';
import { tokenize } from '../src/core/lexical/tokenize';

/**
 * The benchmark's embedding model: no endpoint is reachable here, and the scale figures are about
 * holding, storing and scanning vectors, not about their quality. Feature hashing (each token adds ±1
 * to two of `dims` coordinates) gives deterministic vectors in which texts sharing words are similar,
 * so a hybrid query does real work on realistic-looking vectors.
 */
export function featureHashEmbedder(dims = 768): Embedder {
  return {
    provider: 'bench',
    model: `feature-hash-${dims}`,
    dimensions: dims,
    async embed(texts: string[]): Promise<number[][]> {
      return texts.map((text) => {
        const v = new Array<number>(dims).fill(0);
        for (const token of tokenize(text)) {
          const h = fnv1a(token);
          v[h % dims] += h & 0x80000000 ? 1 : -1;
          v[(h >>> 11) % dims] += h & 0x40000000 ? 0.5 : -0.5;
        }
        return v;
      });
    },
  };
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
