import { PromptSnippet, formatSnippet } from './buildPrompt';
import { citationLabel } from './citationLabel';

/**
 * The answer when no model is configured: the best snippets, each numbered and cited with its path
 * and lines, so the reader can judge them; the caller adds how to configure a model.
 */
export function extractiveAnswer(question: string, snippets: readonly PromptSnippet[], maxSnippets = 5): string {
  if (snippets.length === 0) return `Nothing in the index matches "${question}".`;
  const shown = snippets.slice(0, maxSnippets);
  const parts = shown.map((s, i) => formatSnippet(i + 1, s));
  const sources = shown.map((s, i) => `[${i + 1}] ${citationLabel(s)}`);
  return [`The most relevant passages for "${question}":`, '', ...parts.flatMap((p) => [p, '']), 'Sources:', ...sources].join('\n');
}
