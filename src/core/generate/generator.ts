import { GroundedPrompt } from '../prompt/buildPrompt';

/** Writes an answer to a grounded prompt, streaming text as it comes. */
export interface Generator {
  /** For messages: `gpt-4o-mini at http://localhost:11434/v1`. */
  readonly description: string;
  /** Tokens the model accepts in a prompt, so the caller can size it. */
  readonly maxPromptTokens: number;
  generate(prompt: GroundedPrompt, onText: (text: string) => void, signal?: AbortSignal): Promise<void>;
}
