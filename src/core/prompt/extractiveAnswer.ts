import { excerpt } from '../format/excerpt';
import { visibleLines, visibleText } from '../format/visibleText';
import { bestSentence } from './bestSentence';
import { PromptSnippet, formatSnippet } from './buildPrompt';
import { citationLabel } from './citationLabel';

/**
 * The answer when no model is configured, as plain text for a terminal: first one line per source
 * (path, lines, title and the sentence that best matches the question), so the gist fits a screen,
 * then the snippets themselves, numbered the same way, for the reader to judge. The caller adds how
 * to configure a model. Workspace text never reaches the terminal raw: paths and titles are shown
 * with control characters escaped, snippet text keeps only its line breaks and tabs.
 */
export function extractiveAnswer(question: string, snippets: readonly PromptSnippet[], maxSnippets = 5): string {
  if (snippets.length === 0) return `Nothing in the index matches "${excerpt(question)}".`;
  const shown = snippets.slice(0, maxSnippets);
  const sources = shown.map((s, i) => sourceLine(i + 1, question, s));
  const parts = shown.map((s, i) => formatSnippet(i + 1, { ...s, path: visibleText(s.path), title: visibleText(s.title), text: visibleLines(s.text) }));
  return [`The most relevant passages for "${excerpt(question)}":`, '', ...sources, '', ...parts.flatMap((p) => [p, ''])].join('\n').trimEnd();
}

/** `[1] docs/guide.md:8-17  Guide > Install — Use the MSI package.` */
function sourceLine(n: number, question: string, s: PromptSnippet): string {
  const title = s.title ? `  ${excerpt(s.title, 60)}` : '';
  const sentence = bestSentence(question, s.text, s.title);
  return `[${n}] ${visibleText(citationLabel(s))}${title}${sentence ? ` — ${sentence}` : ''}`;
}
