import { GroundedPrompt, PromptSnippet } from '../prompt/buildPrompt';

/** Writes an answer to a grounded prompt, streaming text as it comes. */
export interface Generator {
  /** For messages: `gpt-4o-mini at http://localhost:11434/v1`. */
  readonly description: string;
  /** Tokens the model accepts in a prompt, so the caller can size it. */
  readonly maxPromptTokens: number;
  generate(prompt: GroundedPrompt, onText: (text: string) => void, signal?: AbortSignal): Promise<void>;
  /**
   * The model's own count of a prompt's tokens, where the model offers one, and the most it accepts.
   * Prompts are first sized by an estimate; this check then trims them to what the model really takes.
   */
  exactTokens?: { count(prompt: GroundedPrompt): Promise<number>; limit: number };
}

/**
 * Drops the lowest-ranked snippets (a fifth at a time) until the model's own count fits its limit.
 * `rebuild` makes the prompt again from fewer snippets.
 */
export async function fitToModel<R extends PromptSnippet>(generator: Generator, prompt: GroundedPrompt<R>, rebuild: (keep: number) => GroundedPrompt<R>): Promise<GroundedPrompt<R>> {
  const exact = generator.exactTokens;
  if (!exact) return prompt;
  let current = prompt;
  while (current.used.length > 0 && (await exact.count(current)) > exact.limit) {
    current = rebuild(Math.floor(current.used.length * 0.8));
  }
  return current;
}
