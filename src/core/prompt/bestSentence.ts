import { excerpt } from '../format/excerpt';
import { queryTokens, tokenize } from '../lexical/tokenize';

/**
 * The sentence of a snippet that best answers the question, for a one-line summary of a source: the
 * one sharing the most distinct terms with the question (the earliest on a tie), shortened to one
 * visible line. Headings repeated in the snippet's title say nothing new, so they are passed over.
 */
export function bestSentence(question: string, text: string, title = '', maxChars = 100): string {
  const terms = new Set(queryTokens(question));
  const titleParts = new Set(title.split('>').map((t) => t.trim().toLowerCase()));
  let best: string | undefined;
  let bestScore = -1;
  for (const s of sentences(text)) {
    if (titleParts.has(s.toLowerCase())) continue;
    const score = new Set(tokenize(s).filter((t) => terms.has(t))).size;
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return excerpt(best ?? '', maxChars);
}

const COMMENT_OR_MARKUP = /^(?:#{1,6}\s+|[-*+>]\s+|\d+[.)]\s+|\/\/+\s*|\/\*+\s*|\*+\/?\s*|#+\s*|--\s+)/;
const STATEMENT_END = /[.!?:;,{}()[\]]$/;

/**
 * Sentences of prose and lines of code: a line that does not end a statement or sentence and is
 * followed by one starting in lower case is a wrapped line, and is joined to it.
 */
function sentences(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(COMMENT_OR_MARKUP, '').replace(/\s*\*\/$/, '').trim();
    if (!/[\p{L}\p{N}]/u.test(line) || /^(```|~~~)/.test(raw.trim())) {
      lines.push('');
      continue;
    }
    const prev = lines[lines.length - 1];
    if (prev && !STATEMENT_END.test(prev) && /^\p{Ll}/u.test(line)) lines[lines.length - 1] = `${prev} ${line}`;
    else lines.push(line);
  }
  return lines.filter((l) => l).flatMap((l) => l.split(/(?<=[.!?])\s+(?=\S)/));
}
