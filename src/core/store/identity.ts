import * as crypto from 'crypto';

/** What produced the vectors and chunks in an index; two indexes mix only if every field matches. */
export interface IndexIdentity {
  /** `lexical` when no embedder is configured, else the provider name (`openai`, …). */
  provider: string;
  model: string;
  /** Vector length; 0 in lexical mode. */
  dimensions: number;
  chunkerVersion: number;
}

export function identityKey(identity: IndexIdentity): string {
  const text = `${identity.provider}\n${identity.model}\n${identity.dimensions}\n${identity.chunkerVersion}`;
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function describeIdentity(identity: IndexIdentity): string {
  return identity.provider === 'lexical'
    ? `lexical (BM25), chunker v${identity.chunkerVersion}`
    : `${identity.provider} ${identity.model} (${identity.dimensions} dimensions), chunker v${identity.chunkerVersion}`;
}

export function sameIdentity(a: IndexIdentity, b: IndexIdentity): boolean {
  return identityKey(a) === identityKey(b);
}

export function sha1(text: string): string {
  return crypto.createHash('sha1').update(text).digest('hex');
}
