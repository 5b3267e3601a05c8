import { redact } from './redact';

/**
 * Why a configured base URL cannot be used, or undefined when it can. A URL with a user name or
 * password is refused at once: fetch refuses it anyway (after which the retries ran for a minute),
 * and the URL would be printed in messages. Only http and https are spoken.
 */
export function baseUrlProblem(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `The base URL "${redact(url)}" is not a URL: give one such as http://localhost:11434/v1.`;
  }
  if (parsed.username || parsed.password) {
    return `The base URL ${redact(url)} has a user name or password in it: remove them from the URL and give the key as the API key instead.`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `The base URL ${redact(url)} is not http or https: give one such as http://localhost:11434/v1.`;
  }
  return undefined;
}
