import * as vscode from 'vscode';
import { escapeMarkdown, fencedBlock } from '../core/format/markdownText';
import { writeAnswer } from '../core/answer/writeAnswer';
import { Generator } from '../core/generate/generator';
import { HoverMode } from './settings';
import { citationLabel } from '../core/prompt/citationLabel';
import { citationLocation } from './citationTarget';
import { WorkspaceIndex, WorkspaceResult } from './workspaceIndex';

export interface HoverDeps {
  index: WorkspaceIndex;
  mode: (doc: vscode.TextDocument) => HoverMode;
  generator: () => Promise<Generator | undefined>;
}

export const ASK_COMMAND = 'grounded.askAboutSymbol';
const MAX_SNIPPETS = 3;
const ANSWER_TIMEOUT_MS = 4000;
/** A hover's answer is one or two sentences: a small prompt answers sooner. */
const ANSWER_PROMPT_TOKENS = 3000;
/**
 * Results must contain the identifier and have at least this relevance (a share of the query's best
 * score, so it means the same with lexical or fused scores): weak matches the best one dwarfs stay out.
 */
const MIN_RELEVANCE = 0.2;
const IDENTIFIER = /[A-Za-z_$][\w$]{2,}/;

/**
 * Hovering an identifier shows where the rest of the workspace talks about it: docs first, never the
 * hovered line itself, nothing when nothing is relevant enough.
 */
export function createHoverProvider(deps: HoverDeps): vscode.HoverProvider {
  const cache = new Map<string, WorkspaceResult[]>();
  return {
    async provideHover(doc, position, token) {
      const mode = deps.mode(doc);
      if (mode === 'off') return undefined;
      const range = doc.getWordRangeAtPosition(position, IDENTIFIER);
      if (!range) return undefined;
      const word = doc.getText(range);
      const key = `${word}\u0000${deps.index.version}`;
      let results = cache.get(key);
      if (!results) {
        results = await deps.index.query(word, { topK: 12, perFile: 1 }, token);
        if (cache.size > 500) cache.clear();
        cache.set(key, results);
      }
      if (token.isCancellationRequested) return undefined;
      const needle = word.toLowerCase();
      const relevant = results
        .filter((r) => r.relevance >= MIN_RELEVANCE && r.text.toLowerCase().includes(needle))
        .filter((r) => !(r.uri.toString() === doc.uri.toString() && r.startLine <= position.line + 1 && position.line + 1 <= r.endLine))
        .sort((a, b) => (a.kind === b.kind ? b.relevance - a.relevance : a.kind === 'doc' ? -1 : 1))
        .slice(0, MAX_SNIPPETS);
      if (relevant.length === 0) return undefined;

      const md = new vscode.MarkdownString(undefined, true);
      // Only this extension's own command may run from the hover; workspace text is escaped.
      md.isTrusted = { enabledCommands: [ASK_COMMAND] };
      md.supportHtml = false;
      md.appendMarkdown('**Grounded**\n\n');
      if (mode === 'answer') {
        const answer = await shortAnswer(deps, word, relevant, token);
        if (answer) md.appendMarkdown(escapeMarkdown(answer) + '\n\n');
      }
      for (const r of relevant) {
        const target = r.page !== undefined || r.cell !== undefined ? (await citationLocation(r)).uri : r.uri.with({ fragment: `L${r.startLine}` });
        const label = r.page !== undefined || r.cell !== undefined ? citationLabel(r) : `${r.path}:${r.startLine}`;
        md.appendMarkdown(`[${escapeMarkdown(label)}](${target.toString()}) — ${escapeMarkdown(r.title)}\n\n`);
        md.appendMarkdown(fencedBlock(excerpt(r.text, needle), r.language) + '\n\n');
      }
      const args = encodeURIComponent(JSON.stringify([word]));
      // Backslash escapes show literally inside a code span; IDENTIFIER admits no backtick, so none is needed.
      md.appendMarkdown(`[Ask @grounded about \`${word}\`](command:${ASK_COMMAND}?${args})`);
      return new vscode.Hover(md, range);
    },
  };
}

/** A few lines around the first mention, so a hover stays small. */
function excerpt(text: string, needle: string): string {
  const lines = text.split('\n');
  const at = Math.max(0, lines.findIndex((l) => l.toLowerCase().includes(needle)));
  return lines.slice(Math.max(0, at - 2), at + 6).join('\n');
}

/** One or two sentences from the model, bounded in time; a slow or failing model must not cost the hover its snippets. */
async function shortAnswer(deps: HoverDeps, word: string, results: WorkspaceResult[], token: vscode.CancellationToken): Promise<string | undefined> {
  const generator = await deps.generator();
  if (!generator) return undefined;
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  const timer = setTimeout(() => controller.abort(), ANSWER_TIMEOUT_MS);
  let text = '';
  try {
    // What the model wrote before a timeout is still worth showing; a failure is not reported here.
    await writeAnswer(
      { question: `In one or two sentences: what is \`${word}\` in this workspace?`, snippets: results, generator, topK: results.length, maxPromptTokens: ANSWER_PROMPT_TOKENS, signal: controller.signal },
      { text: (t) => (text += t), citation: (n) => (text += `[${n}]`) },
    );
  } finally {
    clearTimeout(timer);
    sub.dispose();
  }
  return text.trim() || undefined;
}
