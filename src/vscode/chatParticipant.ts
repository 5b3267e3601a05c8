import * as vscode from 'vscode';
import { escapeMarkdown, fencedBlock } from '../core/format/markdownText';
import { fitToModel, Generator } from '../core/generate/generator';
import { buildGroundedPrompt, ChatTurn } from '../core/prompt/buildPrompt';
import { mergeAdjacentSnippets } from '../core/prompt/mergeSnippets';
import { approxTokens } from '../core/types';
import { citationStream } from './citationStream';
import { describeLanguageModelError, languageModelGenerator } from './languageModelGenerator';
import { citationLocation, citationTitle } from './citationTarget';
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
  participant.followupProvider = {
    provideFollowups(result: GroundedChatResult) {
      const q = result.metadata?.question;
      if (!q) return [];
      return result.metadata.command === 'search'
        ? [{ prompt: q, label: 'Answer this from the snippets' }]
        : [{ prompt: q, command: 'search', label: 'Show the matching snippets' }];
    },
  };
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
  const kinds = request.command === 'docs' ? (['doc'] as const) : request.command === 'code' ? (['code'] as const) : undefined;
  stream.progress(`Searching ${await deps.index.fileCount()} files…`);

  let generator: Generator | undefined;
  if (request.command !== 'search') {
    generator = (await deps.endpointGenerator()) ?? (request.model ? languageModelGenerator(request.model) : undefined);
  }
  // Size the number of snippets from the model's budget (about 300 tokens a snippet); a workspace
  // whose whole text fits comfortably is sent whole, the matching snippets first.
  const whole = generator ? (await deps.index.textChars()) / 4 <= generator.maxPromptTokens * 0.7 : false;
  const topK = whole ? 100_000 : generator ? Math.max(deps.topK(), Math.min(40, Math.floor(generator.maxPromptTokens / 300))) : deps.topK();
  const results = await deps.index.query(question, { topK, kinds: kinds ? [...kinds] : undefined, includeAll: whole }, token);
  if (token.isCancellationRequested) return { metadata };
  const snippets = mergeAdjacentSnippets(results);
  if (snippets.length === 0) {
    stream.markdown(`Nothing in this workspace's index matches that${kinds ? ` among ${kinds[0] === 'doc' ? 'documents' : 'code'}` : ''}. Try other words, or run **Grounded: Reindex Workspace**.`);
    return { metadata };
  }
  if (!generator) {
    await renderSnippets(stream, snippets.slice(0, deps.topK()));
    return { metadata };
  }
  const history = historyOf(chatContext);
  const budget = { maxTokens: generator.maxPromptTokens, countTokens: approxTokens };
  const first = buildGroundedPrompt(question, snippets, budget, history);
  const prompt = await fitToModel(generator, first, (keep) => buildGroundedPrompt(question, first.used.slice(0, keep), budget, history));
  const locations = await Promise.all((prompt.used as WorkspaceResult[]).map(citationLocation));
  locations.forEach((l) => stream.reference(l));
  const linker = citationStream(stream, locations);
  const controller = new AbortController();
  const sub = token.onCancellationRequested(() => controller.abort());
  let wrote = false;
  try {
    await generator.generate(prompt, (t) => {
      wrote = true;
      linker.push(t);
    }, controller.signal);
    linker.end();
  } catch (err) {
    linker.end();
    if (token.isCancellationRequested) return { metadata };
    const message = describeLanguageModelError(err);
    deps.log.warn(`Answer failed: ${message}`);
    stream.markdown(`${wrote ? '\n\n' : ''}**${escapeMarkdown(message)}** Here are the most relevant snippets instead:\n\n`);
    await renderSnippets(stream, snippets.slice(0, deps.topK()));
    stream.button({ command: 'workbench.action.openSettings', arguments: ['grounded.chat'], title: 'Configure a model' });
  } finally {
    sub.dispose();
  }
  return { metadata };
}

/** The extractive answer: ranked snippets with links to where they are. */
async function renderSnippets(stream: vscode.ChatResponseStream, snippets: WorkspaceResult[]): Promise<void> {
  const locations = await Promise.all(snippets.map(citationLocation));
  snippets.forEach((s, i) => {
    const loc = locations[i];
    stream.reference(loc);
    stream.markdown(`**[${i + 1}]** `);
    stream.anchor(loc, citationTitle(s));
    stream.markdown(` — ${escapeMarkdown(s.title)}\n\n${fencedBlock(s.text, s.language)}\n\n`);
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
