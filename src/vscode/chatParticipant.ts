import * as vscode from 'vscode';
import { escapeMarkdown, quotedBlock } from '../core/format/markdownText';
import { fitToModel, Generator } from '../core/generate/generator';
import { buildGroundedPrompt, ChatTurn } from '../core/prompt/buildPrompt';
import { answerReferences } from '../core/prompt/answerReferences';
import { mergeAdjacentSnippets } from '../core/prompt/mergeSnippets';
import { approxTokens, ChunkKind } from '../core/types';
import { citationStream } from './citationStream';
import { citationLocation, citationTitle } from './citationTarget';
import { describeLanguageModelError, languageModelGenerator } from './languageModelGenerator';
import { chatSettingsCommand } from './settings';
import { progressText } from './statusReport';
import { WorkspaceIndex, WorkspaceResult } from './workspaceIndex';

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

/** What one response streamed, kept (the last one only) so integration tests can check the real Chat view's answer. */
export interface ChatTranscript {
  prompt: string;
  command?: string;
  markdown: string;
  references: vscode.Location[];
  anchors: { location: vscode.Location; title?: string }[];
  buttons: string[];
  /** The error the handler failed with, if it did. */
  error?: string;
}

export function registerChatParticipant(context: vscode.ExtensionContext, deps: ChatDeps, onTranscript?: (t: ChatTranscript) => void): vscode.ChatParticipant {
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, async (request, chatContext, stream, token) => {
    const transcript: ChatTranscript = { prompt: request.prompt, command: request.command, markdown: '', references: [], anchors: [], buttons: [] };
    const recording = recordingStream(stream, transcript);
    try {
      return await handle(deps, request, chatContext, recording, token);
    } catch (err) {
      transcript.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
      deps.log.error(`Chat request failed: ${transcript.error}`);
      throw err;
    } finally {
      onTranscript?.(transcript);
    }
  });
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
  const kinds = request.command === 'docs' ? (['doc'] as const) : request.command === 'code' ? (['code'] as const) : undefined;
  stream.progress(`Searching ${await deps.index.fileCount()} files…`);
  const generator = request.command === 'search' ? undefined : ((await deps.endpointGenerator()) ?? (request.model ? languageModelGenerator(request.model) : undefined));
  const snippets = await retrieve(deps, question, generator, kinds ? [...kinds] : undefined, token);
  if (token.isCancellationRequested) return { metadata };
  if (snippets.length === 0) {
    const among = kinds ? ` among ${kinds[0] === 'doc' ? 'documents' : 'code'}` : '';
    stream.markdown(`Nothing in this workspace's index matches that${among}. Try other words${coverage.building ? ', or ask again when indexing has finished' : ''}.`);
    return { metadata };
  }
  if (!generator) await renderSnippets(stream, snippets.slice(0, deps.topK()));
  else await answer(deps, { question, snippets, generator, history: historyOf(chatContext) }, stream, token);
  return { metadata };
}

function buildingText(p: { done: number; total: number }): string {
  return p.total ? progressText(p) : 'finding files';
}

/**
 * The snippets for a question, merged where adjacent. Their number follows the model's budget (about
 * 300 tokens a snippet); a workspace whose whole text fits comfortably is sent whole, matches first.
 */
async function retrieve(deps: ChatDeps, question: string, generator: Generator | undefined, kinds: ChunkKind[] | undefined, token: vscode.CancellationToken): Promise<WorkspaceResult[]> {
  const whole = generator ? (await deps.index.textChars()) / 4 <= generator.maxPromptTokens * 0.7 : false;
  const topK = whole ? 100_000 : generator ? Math.max(deps.topK(), Math.min(40, Math.floor(generator.maxPromptTokens / 300))) : deps.topK();
  const results = await deps.index.query(question, { topK, kinds, includeAll: whole }, token);
  return mergeAdjacentSnippets(results);
}

interface AnswerInput {
  question: string;
  snippets: WorkspaceResult[];
  generator: Generator;
  history: ChatTurn[];
}

/** A written answer with linked citations; the references are what it cited. On failure, the snippets instead. */
async function answer(deps: ChatDeps, input: AnswerInput, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<void> {
  const { question, snippets, generator, history } = input;
  const budget = { maxTokens: generator.maxPromptTokens, countTokens: approxTokens };
  const first = buildGroundedPrompt(question, snippets, budget, history);
  const prompt = await fitToModel(generator, first, (keep) => buildGroundedPrompt(question, first.used.slice(0, keep), budget, history));
  const used = prompt.used as WorkspaceResult[];
  const linker = citationStream(stream, await Promise.all(used.map(citationLocation)));
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  let wrote = false;
  try {
    await generator.generate(prompt, (t) => {
      wrote = true;
      linker.push(t);
    }, controller.signal);
    linker.end();
    await referenceUsed(stream, answerReferences(used, linker.cited(), deps.topK()));
  } catch (err) {
    linker.end();
    if (token.isCancellationRequested) return;
    const message = describeLanguageModelError(err);
    deps.log.warn(`Answer failed: ${message}`);
    stream.markdown(`${wrote ? '\n\n' : ''}**${escapeMarkdown(message)}** Here are the most relevant snippets instead:\n\n`);
    await renderSnippets(stream, snippets.slice(0, deps.topK()));
    stream.button(chatSettingsCommand(deps.index.all[0]?.folder));
  } finally {
    sub.dispose();
  }
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

/** The stream, with what passes through it noted in `t`. (VS Code freezes the stream, so it is wrapped, not proxied.) */
function recordingStream(stream: vscode.ChatResponseStream, t: ChatTranscript): vscode.ChatResponseStream {
  const recording: vscode.ChatResponseStream = {
    markdown(value) {
      t.markdown += typeof value === 'string' ? value : value.value;
      stream.markdown(value);
    },
    anchor(value, title) {
      if (value instanceof vscode.Location) t.anchors.push({ location: value, title });
      t.markdown += title ?? '';
      stream.anchor(value, title);
    },
    button(command) {
      t.buttons.push(command.command);
      stream.button(command);
    },
    filetree(value, baseUri) {
      stream.filetree(value, baseUri);
    },
    progress(value) {
      stream.progress(value);
    },
    reference(value, iconPath) {
      if (value instanceof vscode.Location) t.references.push(value);
      stream.reference(value, iconPath);
    },
    push(part) {
      stream.push(part);
    },
  };
  return recording;
}
