import * as vscode from 'vscode';
import { errorText } from '../core/errorText';
import { Generator } from '../core/generate/generator';
import { GroundedPrompt } from '../core/prompt/buildPrompt';

/** A Generator over a VS Code language model (the one picked in the Chat view, or one from `vscode.lm`). */
export function languageModelGenerator(model: vscode.LanguageModelChat): Generator {
  return {
    description: `${model.name} (${model.vendor})`,
    // Leave room for the answer; approximate token counts err on the safe side with this margin.
    maxPromptTokens: Math.floor(Math.max(2000, model.maxInputTokens) * 0.75),
    exactTokens: {
      limit: Math.floor(model.maxInputTokens * 0.9),
      async count(prompt) {
        const parts = [prompt.system, ...prompt.history.map((t) => t.content), prompt.user];
        const counts = await Promise.all(parts.map((p) => model.countTokens(p)));
        return counts.reduce((a, b) => a + b, 0);
      },
    },
    async generate(prompt: GroundedPrompt, onText: (text: string) => void, signal?: AbortSignal): Promise<void> {
      const source = new vscode.CancellationTokenSource();
      signal?.addEventListener('abort', () => source.cancel(), { once: true });
      try {
        // The language model API has no system role: the instructions open the first user message.
        const messages = [
          vscode.LanguageModelChatMessage.User(prompt.system),
          ...prompt.history.map((t) => (t.role === 'user' ? vscode.LanguageModelChatMessage.User(t.content) : vscode.LanguageModelChatMessage.Assistant(t.content))),
          vscode.LanguageModelChatMessage.User(prompt.user),
        ];
        const response = await model.sendRequest(messages, { justification: 'Grounded answers your question from snippets of your workspace.' }, source.token);
        for await (const text of response.text) {
          if (signal?.aborted) break;
          onText(text);
        }
      } catch (err) {
        throw new Error(describeLanguageModelError(err));
      } finally {
        source.dispose();
      }
    },
  };
}

/** One sentence for a language model failure, not a stack trace. */
export function describeLanguageModelError(err: unknown): string {
  if (err instanceof vscode.LanguageModelError) {
    switch (err.code) {
      case vscode.LanguageModelError.NoPermissions.name:
        return 'Grounded is not allowed to use this language model: allow it when VS Code asks, or pick another model.';
      case vscode.LanguageModelError.Blocked.name:
        return 'The language model blocked this request (quota or policy): try again later or pick another model.';
      case vscode.LanguageModelError.NotFound.name:
        return 'The selected language model is not available: pick another model in the Chat view.';
      default:
        return `The language model failed: ${err.message.split('\n')[0]}`;
    }
  }
  return errorText(err).split('\n')[0];
}
