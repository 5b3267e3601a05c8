import { Embedder } from '../core/embed/embedder';
import { embedderForIndex } from '../core/embed/embedderRegistry';
import { baseUrlProblem } from '../core/endpointUrl';
import { Generator } from '../core/generate/generator';
import { createOpenAIGenerator } from '../core/generate/openaiGenerator';

/**
 * The CLI's model settings come from the environment, never from files in the workspace:
 * GROUNDED_BASE_URL, GROUNDED_API_KEY (or OPENAI_API_KEY), GROUNDED_CHAT_MODEL, GROUNDED_EMBED_MODEL.
 * A model is used only when its model variable is set, so a key in the environment alone sends nothing anywhere.
 */
export interface CliEnvironment {
  baseURL?: string;
  apiKey?: string;
  chatModel?: string;
  embedModel?: string;
}

/** Refuses, before any work, a GROUNDED_BASE_URL that a configured model would use but cannot be. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const nonEmpty = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);
  const read: CliEnvironment = {
    baseURL: nonEmpty(env.GROUNDED_BASE_URL),
    apiKey: nonEmpty(env.GROUNDED_API_KEY) ?? nonEmpty(env.OPENAI_API_KEY),
    chatModel: nonEmpty(env.GROUNDED_CHAT_MODEL),
    embedModel: nonEmpty(env.GROUNDED_EMBED_MODEL),
  };
  const problem = read.chatModel || read.embedModel ? baseUrlProblem(read.baseURL) : undefined;
  if (problem) throw new Error(`GROUNDED_BASE_URL: ${problem}`);
  return read;
}

export function generatorFromEnvironment(env: CliEnvironment): Generator | undefined {
  if (!env.chatModel) return undefined;
  return createOpenAIGenerator({ baseURL: env.baseURL, apiKey: env.apiKey, model: env.chatModel });
}

/** Dense embeddings only when GROUNDED_EMBED_MODEL is set; the vector length is learned from the endpoint. */
export async function embedderFromEnvironment(env: CliEnvironment, indexDir: string): Promise<Embedder | undefined> {
  if (!env.embedModel) return undefined;
  return embedderForIndex({ provider: 'openai', baseURL: env.baseURL, apiKey: env.apiKey, model: env.embedModel }, indexDir);
}

export const CONFIGURE_MODEL_HINT =
  'No model is configured, so this answer quotes the index. For a written answer set GROUNDED_CHAT_MODEL ' +
  '(and GROUNDED_BASE_URL for a local or other OpenAI-compatible server, GROUNDED_API_KEY if it needs a key).';
