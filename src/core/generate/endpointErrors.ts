import OpenAI from 'openai';
import { errorText } from '../errorText';
import { redact } from '../redact';

/**
 * One sentence a person can act on, for any failure of an OpenAI-compatible endpoint. Never includes
 * the key or other credentials, even when the server echoes the request's headers back.
 */
export function describeEndpointError(err: unknown, endpoint: string, model: string, apiKey?: string): string {
  return redact(describe(err, endpoint, model), [apiKey]);
}

function describe(err: unknown, endpoint: string, model: string): string {
  if (err instanceof OpenAI.APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) return 'Cancelled.';
  if (err instanceof OpenAI.APIConnectionTimeoutError) return `The model endpoint ${endpoint} did not answer in time.`;
  if (err instanceof OpenAI.APIConnectionError) return `Cannot reach the model endpoint ${endpoint}: is the server running and the base URL right?`;
  if (err instanceof OpenAI.APIError) {
    const status = err.status;
    if (status === 401 || status === 403) return `The endpoint ${endpoint} refused the request (${status}): check the API key.`;
    if (status === 404) return `The endpoint ${endpoint} has no model "${model}" (404): check the model name and base URL.`;
    if (status === 429) return `The endpoint ${endpoint} is rate-limiting requests (429): try again later.`;
    if (status !== undefined && status >= 500) return `The endpoint ${endpoint} failed (${status}): try again later.`;
    return `The endpoint ${endpoint} rejected the request (${status ?? 'no status'}): ${firstLine(err.message)}`;
  }
  return `The model request to ${endpoint} failed: ${firstLine(errorText(err))}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 300);
}
