import OpenAI from 'openai';
import { GroundedPrompt } from '../prompt/buildPrompt';
import { baseUrlProblem } from '../endpointUrl';
import { redact } from '../redact';
import { describeEndpointError } from './endpointErrors';
import { Generator } from './generator';

export interface OpenAIChatOptions {
  baseURL?: string;
  apiKey?: string;
  model: string;
  maxPromptTokens?: number;
  timeoutMs?: number;
  maxRetries?: number;
}

/** A chat model behind any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, LM Studio, vLLM, llama.cpp). */
export function createOpenAIGenerator(opts: OpenAIChatOptions): Generator {
  const problem = baseUrlProblem(opts.baseURL);
  if (problem) throw new Error(problem);
  const client = new OpenAI({
    baseURL: opts.baseURL,
    // Local servers take no key, but the client insists on one.
    apiKey: opts.apiKey || 'not-needed',
    timeout: opts.timeoutMs ?? 60_000,
    maxRetries: opts.maxRetries ?? 2,
  });
  const where = redact(opts.baseURL ?? 'https://api.openai.com/v1');
  return {
    description: `${opts.model} at ${where}`,
    maxPromptTokens: opts.maxPromptTokens ?? 12_000,
    async generate(prompt: GroundedPrompt, onText: (text: string) => void, signal?: AbortSignal): Promise<void> {
      try {
        const stream = await client.chat.completions.create(
          {
            model: opts.model,
            stream: true,
            messages: [
              { role: 'system', content: prompt.system },
              ...prompt.history.map((t) => ({ role: t.role, content: t.content })),
              { role: 'user', content: prompt.user },
            ],
          },
          { signal },
        );
        for await (const part of stream) {
          const text = part.choices[0]?.delta?.content;
          if (text) onText(text);
        }
        // The client ends the stream quietly when aborted; the caller must still learn it was cut short.
        if (signal?.aborted) throw new OpenAI.APIUserAbortError();
      } catch (err) {
        throw new Error(describeEndpointError(err, where, opts.model, opts.apiKey));
      }
    },
  };
}
