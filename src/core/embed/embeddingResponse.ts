/**
 * An embeddings response checked against the request before any vector is used: the right count,
 * and each vector matched to its input. The rule for order: with `index` fields, they must number
 * the inputs exactly once each (0…n-1, any order) and decide the order; with none at all, a single
 * vector is the single input's, but the order of several cannot be known (a server that shuffles
 * them gives every chunk another chunk's vector), so the caller asks again one input at a time.
 * Anything else is refused with what was wrong.
 */
export type CheckedEmbeddings =
  | { kind: 'vectors'; vectors: unknown[] }
  | { kind: 'unordered' }
  | { kind: 'invalid'; problem: string };

export const HTML_PAGE = 'returned an HTML page, not embeddings: is the base URL right?';

export function checkEmbeddings(body: unknown, inputs: number): CheckedEmbeddings {
  if (typeof body === 'string') {
    return invalid(/^\s*(<!doctype html|<html|<head|<body)/i.test(body)
      ? HTML_PAGE
      : 'returned text that is not JSON, not embeddings: is the base URL right?');
  }
  const data = body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) return invalid('returned JSON without a "data" list of embeddings: is the base URL right?');
  if (data.length !== inputs) return invalid(`returned ${data.length} vectors for ${inputs} inputs.`);
  if (data.some((d) => !d || typeof d !== 'object' || !Array.isArray((d as { embedding?: unknown }).embedding))) {
    return invalid('returned an item without an "embedding" list of numbers.');
  }
  const items = data as { index?: unknown; embedding: unknown[] }[];
  const indexed = items.filter((d) => d.index !== undefined).length;
  if (indexed === 0) return inputs === 1 ? { kind: 'vectors', vectors: [items[0].embedding] } : { kind: 'unordered' };
  const vectors: unknown[] = new Array(inputs);
  for (const d of items) {
    const i = d.index;
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= inputs || vectors[i] !== undefined) {
      return invalid('returned vectors whose "index" fields are missing, repeated or out of range, so which vector belongs to which input is unknown.');
    }
    vectors[i] = d.embedding;
  }
  return { kind: 'vectors', vectors };
}

function invalid(problem: string): CheckedEmbeddings {
  return { kind: 'invalid', problem };
}
