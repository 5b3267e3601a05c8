import { EMBEDDING_PROVIDERS } from '../core/embed/embedderRegistry';
import * as path from 'path';
import * as vscode from 'vscode';
import { GroundedConfig } from '../core/config';

export type HoverMode = 'snippets' | 'answer' | 'off';

export interface ExtensionSettings {
  engine: Partial<GroundedConfig>;
  indexOnSave: boolean;
  /** Absolute index folder inside the workspace folder, or undefined for the extension's storage. */
  indexLocation?: string;
  embeddings: { provider: string; model: string; baseUrl?: string; dimensions?: number };
  chat: { provider: 'vscode' | 'openai'; model: string; baseUrl?: string };
  topK: number;
  hoverMode: HoverMode;
  /** Settings that were set in the workspace but ignored because it is not trusted. */
  ignored: string[];
}

/**
 * Settings that can send workspace content to another host or put files outside the workspace.
 * In an untrusted workspace only the user's own values count (VS Code does the same for
 * `restrictedConfigurations`; this does not rely on it).
 */
export const RESTRICTED_SETTINGS = [
  'embeddings.provider',
  'embeddings.baseUrl',
  'chat.provider',
  'chat.baseUrl',
  'index.location',
];

export function readSettings(folder: vscode.WorkspaceFolder, trusted = vscode.workspace.isTrusted): ExtensionSettings {
  const config = vscode.workspace.getConfiguration('grounded', folder.uri);
  const ignored: string[] = [];
  const get = <T>(key: string, fallback: T): T => {
    if (!trusted && RESTRICTED_SETTINGS.includes(key)) {
      const i = config.inspect<T>(key);
      if (i && (i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined)) ignored.push(`grounded.${key}`);
      return i?.globalValue ?? i?.defaultValue ?? fallback;
    }
    return config.get<T>(key, fallback);
  };
  const location = get<string>('index.location', '').trim();
  return {
    engine: {
      include: get<string[]>('index.include', []),
      exclude: get<string[]>('index.exclude', []),
      respectGitignore: get<boolean>('index.respectGitignore', true),
      maxFileBytes: Math.max(1024, get<number>('index.maxFileSizeKB', 1024) * 1024),
      maxDocumentBytes: Math.max(1024, get<number>('index.maxDocumentSizeKB', 20480) * 1024),
      chunkTokens: clamp(get<number>('index.chunkTokens', 400), 64, 4000),
      secretPatterns: get<string[]>('index.secretPatterns', []),
    },
    indexOnSave: get<boolean>('index.onSave', true),
    indexLocation: location ? insideFolder(folder.uri.fsPath, location) : undefined,
    embeddings: {
      provider: embeddingProvider(get<string>('embeddings.provider', 'none')),
      model: get<string>('embeddings.model', 'text-embedding-3-small'),
      baseUrl: get<string>('embeddings.baseUrl', '').trim() || undefined,
      dimensions: get<number>('embeddings.dimensions', 0) || undefined,
    },
    chat: {
      provider: get<string>('chat.provider', 'vscode') === 'openai' ? 'openai' : 'vscode',
      model: get<string>('chat.model', 'gpt-4o-mini'),
      baseUrl: get<string>('chat.baseUrl', '').trim() || undefined,
    },
    topK: clamp(get<number>('search.topK', 8), 1, 50),
    hoverMode: (['snippets', 'answer', 'off'] as const).find((m) => m === get<string>('hover.mode', 'snippets')) ?? 'snippets',
    ignored,
  };
}

/**
 * A workspace-relative index folder, only if it stays inside the workspace folder: a shared
 * `.vscode/settings.json` must not be able to make the extension write elsewhere.
 */
function insideFolder(folder: string, relative: string): string | undefined {
  const resolved = path.resolve(folder, relative);
  const rel = path.relative(folder, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return resolved;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Number.isFinite(n) ? n : lo));
}

const CHAT_MODEL_SETTINGS = ['chat.provider', 'chat.baseUrl', 'chat.model'];

/**
 * "Configure a model": opens the Settings editor on the scope whose value is in effect for the chat
 * model (folder, workspace or user), so a wrong workspace value is what the user sees, not the User tab.
 */
export function chatSettingsCommand(folder: vscode.WorkspaceFolder | undefined, trusted = vscode.workspace.isTrusted): vscode.Command {
  const config = vscode.workspace.getConfiguration('grounded', folder?.uri);
  const counted = CHAT_MODEL_SETTINGS.filter((k) => trusted || !RESTRICTED_SETTINGS.includes(k)).map((k) => config.inspect(k));
  const inFolder = counted.some((i) => i?.workspaceFolderValue !== undefined);
  const inWorkspace = inFolder || counted.some((i) => i?.workspaceValue !== undefined);
  // In a single-folder window the folder's settings are the workspace settings.
  const command =
    inFolder && vscode.workspace.workspaceFile
      ? 'workbench.action.openFolderSettings'
      : inWorkspace
        ? 'workbench.action.openWorkspaceSettings'
        : 'workbench.action.openGlobalSettings';
  return { command, arguments: [{ query: 'grounded.chat' }], title: 'Configure a model' };
}

/** A provider the registry knows, or `none` (lexical only) for anything else. */
function embeddingProvider(name: string): string {
  return EMBEDDING_PROVIDERS.includes(name) ? name : 'none';
}
