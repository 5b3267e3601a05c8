import { fitToModel, Generator } from '../generate/generator';
import { answerReferences } from '../prompt/answerReferences';
import { buildGroundedPrompt, ChatTurn } from '../prompt/buildPrompt';
import { SearchResult } from '../retrieval/types';
import { approxTokens } from '../types';
import { citationMarks } from './citationMarks';

/**
 * What a surface renders while a model writes. Callbacks rather than an async iterator of events:
 * the model's text arrives as a push stream, a surface renders each piece as it comes, and the one
 * step that needs the surface to finish something first (`prompted`, where the chat resolves its
 * links) is simply awaited.
 */
export interface AnswerSink<R> {
  /** The snippets the prompt holds, numbered from 1, before the model writes; awaited. */
  prompted?(used: readonly R[]): void | Promise<void>;
  /** Answer text (Markdown from the model), in order, never repeated. */
  text(text: string): void;
  /** A citation `[n]` of the prompt's snippet `n`, where it stands in the text. */
  citation(n: number, snippet: R): void;
}

/** A model's answer: the snippets sent, and those it cited (the best few sent when it cited none). */
export type WrittenAnswer<R> =
  | { kind: 'answered'; used: R[]; references: R[] }
  /** The model failed (`wrote`: after some text); `snippets` are the best ones, to show instead. */
  | { kind: 'failed'; error: unknown; wrote: boolean; snippets: R[] }
  | { kind: 'cancelled' };

export interface WriteRequest<R> {
  question: string;
  /** Best first. */
  snippets: readonly R[];
  generator: Generator;
  history?: readonly ChatTurn[];
  /** Snippets that stand for an answer that cites none, and that are shown when the model fails. */
  topK: number;
  /** A bound on the prompt below the model's own (a hover's short answer wants a small one). */
  maxPromptTokens?: number;
  signal?: AbortSignal;
}

/** Tokens a prompt may take: the model's budget, or less when the caller bounds it. */
export function promptTokens(generator: Generator, maxPromptTokens?: number): number {
  return Math.min(generator.maxPromptTokens, maxPromptTokens ?? Number.POSITIVE_INFINITY);
}

/**
 * Has the model answer from the snippets: the prompt is built within the budget, then trimmed to the
 * model's own count, and the streamed text is passed on with its citations mapped to the snippets.
 */
export async function writeAnswer<R extends SearchResult>(req: WriteRequest<R>, sink: AnswerSink<R>): Promise<WrittenAnswer<R>> {
  const { question, generator, history = [] } = req;
  const budget = { maxTokens: promptTokens(generator, req.maxPromptTokens), countTokens: approxTokens };
  const first = buildGroundedPrompt(question, req.snippets, budget, history);
  const prompt = await fitToModel(generator, first, (keep) => buildGroundedPrompt(question, first.used.slice(0, keep), budget, history));
  const used = prompt.used;
  await sink.prompted?.(used);
  const marks = citationMarks(used.length, { text: (t) => sink.text(t), citation: (n) => sink.citation(n, used[n - 1]) });
  let wrote = false;
  try {
    await generator.generate(prompt, (t) => {
      wrote = true;
      marks.push(t);
    }, req.signal);
    marks.end();
    return { kind: 'answered', used, references: answerReferences(used, marks.cited(), req.topK) };
  } catch (error) {
    marks.end();
    if (req.signal?.aborted) return { kind: 'cancelled' };
    return { kind: 'failed', error, wrote, snippets: req.snippets.slice(0, req.topK) };
  }
}
