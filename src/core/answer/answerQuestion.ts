import { SearchResult } from '../retrieval/types';
import { retrieveSnippets, SnippetRequest } from './retrieveSnippets';
import { AnswerSink, writeAnswer, WriteRequest, WrittenAnswer } from './writeAnswer';

export type AnswerRequest<R extends SearchResult> = SnippetRequest<R> & Pick<WriteRequest<R>, 'history'>;

/** How a question ended, for a surface to render. */
export type AnswerOutcome<R> =
  | { kind: 'nothing' }
  /** No model: the best snippets (`topK` of them) are the answer. */
  | { kind: 'extractive'; snippets: R[] }
  | WrittenAnswer<R>;

/**
 * The answer pipeline every surface shares: retrieve (sized to the model's budget, the whole
 * workspace when it fits), merge adjacent snippets, then have the model answer with its citations
 * mapped, or, with no model, answer with the snippets themselves.
 */
export async function answerQuestion<R extends SearchResult>(req: AnswerRequest<R>, sink: AnswerSink<R>): Promise<AnswerOutcome<R>> {
  const snippets = await retrieveSnippets(req);
  if (req.signal?.aborted) return { kind: 'cancelled' };
  if (snippets.length === 0) return { kind: 'nothing' };
  if (!req.generator) return { kind: 'extractive', snippets: snippets.slice(0, req.topK) };
  return writeAnswer({ ...req, snippets, generator: req.generator }, sink);
}
