import { SearchResult } from '../retrieval/types';
import { PromptSnippet } from './buildPrompt';

export type RangedText = PromptSnippet & Pick<SearchResult, 'score'>;

/**
 * Joins snippets of one file whose line ranges overlap or touch into one snippet, so a model sees a
 * passage once and a citation points at one range. Texts are exact file lines, so the union is too.
 * The merged snippet takes the best score and the list keeps score order.
 */
export function mergeAdjacentSnippets<T extends RangedText>(snippets: readonly T[]): T[] {
  const byFile = new Map<string, T[]>();
  for (const s of snippets) byFile.set(s.path, [...(byFile.get(s.path) ?? []), s]);
  const merged: T[] = [];
  for (const list of byFile.values()) {
    list.sort((a, b) => a.startLine - b.startLine);
    let current = { ...list[0] };
    for (const next of list.slice(1)) {
      // A page or cell boundary is kept: the merged snippet could cite only one of them.
      if (next.startLine <= current.endLine + 1 && next.page === current.page && next.cell === current.cell) {
        const extra = next.text.split('\n').slice(Math.max(0, current.endLine - next.startLine + 1));
        if (next.endLine > current.endLine) {
          current.text = [current.text, ...extra].join('\n');
          current.endLine = next.endLine;
        }
        current.score = Math.max(current.score, next.score);
        if (!current.title.includes(next.title)) current.title = `${current.title}; ${next.title}`;
      } else {
        merged.push(current);
        current = { ...next };
      }
    }
    merged.push(current);
  }
  return merged.sort((a, b) => b.score - a.score);
}
