import { Generator } from '../generate/generator';

/** The longest a question waits for its rewrite: past this, it is answered from the plain question. */
const REWRITE_TIMEOUT_MS = 2000;
/** Questions longer than this are cut before they go to the model: the rewrite needs the gist. */
const MAX_QUESTION_CHARS = 4000;
const MAX_REWRITE_CHARS = 400;

const REWRITE_SYSTEM = [
  'You turn a question about a software project into search terms for a keyword search over its docs and code.',
  'Reply with one line only: the key words of the question, likely identifiers (function, class, method,',
  'module and file names in the style of the code), and common synonyms. No prose, no explanation.',
].join(' ');

export interface RewriteOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * One short model call that rewrites a question into search terms and likely identifiers. It never
 * makes a question wait past `timeoutMs` (the call is cancelled then) and never fails one: any
 * error, an empty reply or a timeout gives undefined, and the plain question is searched alone.
 */
export async function rewriteQuery(question: string, generator: Pick<Generator, 'generate'>, opts: RewriteOptions = {}): Promise<string | undefined> {
  if (opts.signal?.aborted) return undefined;
  const controller = new AbortController();
  const cancel = () => controller.abort();
  opts.signal?.addEventListener('abort', cancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(undefined);
    }, opts.timeoutMs ?? REWRITE_TIMEOUT_MS);
  });
  let text = '';
  const call = generator
    .generate({ system: REWRITE_SYSTEM, history: [], user: question.slice(0, MAX_QUESTION_CHARS), used: [] }, (t) => (text += t), controller.signal)
    .then(() => cleanRewrite(text), () => undefined);
  try {
    // A generator that ignores the abort still cannot hold the question past the deadline.
    return await Promise.race([call, deadline]);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', cancel);
  }
}

/** The model's reply as one bounded line of search terms, or undefined when nothing is left. */
export function cleanRewrite(reply: string): string | undefined {
  const line = reply.replace(/```\w*/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_REWRITE_CHARS);
  return line ? line : undefined;
}
