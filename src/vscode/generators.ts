import * as vscode from 'vscode';
import { Generator } from '../core/generate/generator';
import { createOpenAIGenerator } from '../core/generate/openaiGenerator';
import { languageModelGenerator } from './languageModelGenerator';
import { readApiKey } from './secrets';
import { ExtensionSettings } from './settings';

/** The OpenAI-compatible chat endpoint, when the (trusted) settings choose it. */
export async function endpointGenerator(settings: ExtensionSettings | undefined, secrets: vscode.SecretStorage): Promise<Generator | undefined> {
  if (!settings || settings.chat.provider !== 'openai') return undefined;
  return createOpenAIGenerator({ baseURL: settings.chat.baseUrl, apiKey: await readApiKey(secrets), model: settings.chat.model });
}

/** Outside a chat request (hovers): the endpoint, else the first language model VS Code offers. */
export async function anyGenerator(settings: ExtensionSettings | undefined, secrets: vscode.SecretStorage): Promise<Generator | undefined> {
  const endpoint = await endpointGenerator(settings, secrets);
  if (endpoint) return endpoint;
  const [model] = await vscode.lm.selectChatModels();
  return model ? languageModelGenerator(model) : undefined;
}
