import * as vscode from 'vscode';
import { answerQuestion, AnswerOutcome } from '../core/answer/answerQuestion';
import { AnswerSink } from '../core/answer/writeAnswer';
import { escapeMarkdown, quotedBlock } from '../core/format/markdownText';
import { Generator } from '../core/generate/generator';
import { ChatTurn } from '../core/prompt/buildPrompt';
import { ChunkKind } from '../core/types';
import { ChatTranscript, recordTranscript } from './chatTranscript';
import { citationLocation, citationTitle } from './citationTarget';
import { describeLanguageModelError, languageModelGenerator } from './languageModelGenerator';
import { chatSettingsCommand } from './settings';
import { progressText } from './statusReport';
import { WorkspaceIndex, WorkspaceResult } from './workspaceIndex';

export type { ChatTranscript } from './chatTranscript';

export const PARTICIPANT_ID = 'grounded.chat';

export interface ChatDeps {
  index: WorkspaceIndex;
  /** Runs pending save updates first, so a question right after a save sees it. */
  flushPending: () => Promise<void>;
  /** The configured OpenAI-compatible generator, when `grounded.chat.provider` is `openai`. */
  endpointGenerator: () => Promise<Generator | undefined>;
  topK: () => number;
  log: vscode.LogOutputChannel;
  statusMarkdown: () => Promise<string>;
}

interface GroundedChatResult extends vscode.ChatResult {
  metadata: { command?: string; question: string };
}

export function registerChatParticipant(context: vscode.ExtensionContext, deps: ChatDeps, onTranscript?: (t: ChatTranscript) => void): vscode.ChatParticipant {
  // Transcripts are integration-test support: kept only when VS Code runs the extension's tests.
  const record = context.extensionMode === vscode.ExtensionMode.Test ? onTranscript : undefined;
  const respond = async (request: vscode.ChatRequest, chatContext: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken) => {
    try {
      return await handle(deps, request, chatContext, stream, token);
    } catch (err) {
      deps.log.error(`Chat request failed: ${err instanceof Error ? `${err.message}\n${err.stack}` : String(err)}`);
      throw err;
    }
  };
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, chatContext, stream, token) =>
    record ? recordTranscript(request, stream, (s) => respond(request, chatContext, s, token), record) : respond(request, chatContext, stream, token),
  );
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
  participant.followupProvider = { provideFollowups: (result: GroundedChatResult) => followupsFor(result.metadata) };
  context.subscriptions.push(
    participant,
    participant.onDidReceiveFeedback((e) => {
      // No telemetry: feedback stays in the local log.
      const r = e.result as GroundedChatResult;
      deps.log.info(`Chat feedback: ${e.kind === vscode.ChatResultFeedbackKind.Helpful ? 'helpful' : 'unhelpful'} (${r.metadata?.command ?? 'answer'})`);
    }),
  );
  return participant;
}

/**
 * After `/search`, the way to an answer; after an answer, the snippets. A followup without a command
 * repeats the one it follows, so the answer has its own command, `/answer`.
 */
export function followupsFor(metadata: GroundedChatResult['metadata'] | undefined): vscode.ChatFollowup[] {
  const q = metadata?.question;
  if (!q) return [];
  return metadata.command === 'search'
    ? [{ prompt: q, command: 'answer', label: 'Answer this from the snippets' }]
    : [{ prompt: q, command: 'search', label: 'Show the matching snippets' }];
}

async function handle(deps: ChatDeps, request: vscode.ChatRequest, chatContext: vscode.ChatContext, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<GroundedChatResult> {
  const question = request.prompt.trim();
  const metadata = { command: request.command, question };
  if (request.command === 'status') {
    stream.markdown(await deps.statusMarkdown());
    return { metadata };
  }
  if (!question) {
    stream.markdown('Ask a question about this workspace, for example `@grounded how is the index stored?`');
    return { metadata };
  }
  await deps.flushPending();
  const coverage = await deps.index.coverage();
  if (coverage.chunks === 0 && !coverage.building) {
    stream.markdown("This workspace's index is empty (it was cleared, or indexing has not run yet), so there is nothing to answer from. Reindex to build it.");
    stream.button({ command: 'grounded.reindex', title: 'Reindex' });
    return { metadata };
  }
  if (coverage.building) stream.markdown(`*The index is still being built (${buildingText(coverage.building)}): this answer uses what is indexed so far.*\n\n`);
  const kinds: ChunkKind[] | undefined = request.command === 'docs' ? ['doc'] : request.command === 'code' ? ['code'] : undefined;
  stream.progress(`Searching ${await deps.index.fileCount()} files…`);
  const generator = request.command === 'search' ? undefined : ((await deps.endpointGenerator()) ?? (request.model ? languageModelGenerator(request.model) : undefined));
  const search = (text: string, opts: Parameters<WorkspaceIndex['query']>[1]) => deps.index.query(text, opts, token);
  const history = generator ? historyOf(chatContext) : [];
  // With a model, the snippets fill its budget (the whole workspace when it fits), and, when they are searched for, the model first adds search terms.
  const outcome = await withSignal(token, (signal) =>
    answerQuestion({ question, search, generator, topK: deps.topK(), fillBudget: true, kinds, textChars: () => deps.index.textChars(), rewrite: true, history, signal }, linkedAnswer(stream)),
  );
  await render(deps, stream, outcome, { kinds, building: !!coverage.building });
  return { metadata };
}

/** Runs `work` with an abort signal that follows the chat's cancellation. */
async function withSignal<T>(token: vscode.CancellationToken, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  try {
    return await work(controller.signal);
  } finally {
    sub.dispose();
  }
}

/** The model's answer as it streams, each citation an anchor on its snippet's lines. */
function linkedAnswer(stream: vscode.ChatResponseStream): AnswerSink<WorkspaceResult> {
  let locations: vscode.Location[] = [];
  return {
    async prompted(used) {
      locations = await Promise.all(used.map(citationLocation));
    },
    text: (t) => stream.markdown(t),
    citation: (n) => stream.anchor(locations[n - 1], `[${n}]`),
  };
}

/** What the answer pipeline ended with, as the chat shows it: the references are what the answer cited; on failure, the snippets instead. */
async function render(deps: ChatDeps, stream: vscode.ChatResponseStream, outcome: AnswerOutcome<WorkspaceResult>, asked: { kinds?: ChunkKind[]; building: boolean }): Promise<void> {
  switch (outcome.kind) {
    case 'nothing': {
      const among = asked.kinds ? ` among ${asked.kinds[0] === 'doc' ? 'documents' : 'code'}` : '';
      stream.markdown(`Nothing in this workspace's index matches that${among}. Try other words${asked.building ? ', or ask again when indexing has finished' : ''}.`);
      return;
    }
    case 'extractive':
      return renderSnippets(stream, outcome.snippets);
    case 'answered':
      return referenceUsed(stream, outcome.references);
    case 'failed': {
      const message = describeLanguageModelError(outcome.error);
      deps.log.warn(`Answer failed: ${message}`);
      stream.markdown(`${outcome.wrote ? '\n\n' : ''}**${escapeMarkdown(message)}** Here are the most relevant snippets instead:\n\n`);
      await renderSnippets(stream, outcome.snippets);
      stream.button(chatSettingsCommand(deps.index.all[0]?.folder));
      return;
    }
    case 'cancelled':
      return;
  }
}

function buildingText(p: { done: number; total: number }): string {
  return p.total ? progressText(p) : 'finding files';
}

/** References for an answer, and a line naming those quoted from unsaved editors. */
async function referenceUsed(stream: vscode.ChatResponseStream, results: WorkspaceResult[]): Promise<void> {
  for (const r of results) stream.reference(await citationLocation(r));
  const unsaved = results.filter((r) => r.unsaved);
  if (unsaved.length) stream.markdown(`\n\n*Quoted from unsaved editors: ${unsaved.map((r) => `${escapeMarkdown(r.path)} (unsaved)`).join(', ')}.*`);
}

/** The extractive answer: ranked snippets, quoted (not code to apply), with links to where they are. */
async function renderSnippets(stream: vscode.ChatResponseStream, snippets: WorkspaceResult[]): Promise<void> {
  const locations = await Promise.all(snippets.map(citationLocation));
  snippets.forEach((s, i) => {
    const loc = locations[i];
    stream.reference(loc);
    stream.markdown(`**[${i + 1}]** `);
    stream.anchor(loc, citationTitle(s));
    stream.markdown(`${s.unsaved ? ' (unsaved)' : ''} — ${escapeMarkdown(s.title)}\n\n${quotedBlock(s.text)}\n\n`);
  });
}

/** Earlier turns with this participant, as plain text. */
function historyOf(context: vscode.ChatContext): ChatTurn[] {
  const turns: ChatTurn[] = [];
  for (const turn of context.history) {
    if (turn instanceof vscode.ChatRequestTurn) turns.push({ role: 'user', content: turn.prompt });
    else if (turn instanceof vscode.ChatResponseTurn) {
      const text = turn.response
        .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
        .join('')
        .trim();
      if (text) turns.push({ role: 'assistant', content: text });
    }
  }
  return turns;
}
