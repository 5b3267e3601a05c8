import * as vscode from 'vscode';
import { ChatTranscript, registerChatParticipant } from './vscode/chatParticipant';
import { registerCommands } from './vscode/commands';
import { anyGenerator, endpointGenerator } from './vscode/generators';
import { createHoverProvider } from './vscode/hoverProvider';
import { IndexTriggers } from './vscode/indexTriggers';
import { McpServerRegistration, registerMcpServers } from './vscode/mcpServerProvider';
import { PauseControl } from './vscode/pauseControl';
import { registerSearchTool } from './vscode/searchTool';
import { onApiKeyChanged, readApiKey } from './vscode/secrets';
import { readSettings, RESTRICTED_SETTINGS } from './vscode/settings';
import { createStatusBar } from './vscode/statusBar';
import { statusMarkdown } from './vscode/statusReport';
import { FolderIndex } from './vscode/folderIndex';
import { WorkspaceIndex } from './vscode/workspaceIndex';

/**
 * What the integration tests reach through `activate`'s return value. It is returned only when VS Code
 * runs the extension under tests: other extensions can read an extension's exports, and must never get
 * chat transcripts or a way to set the API key.
 */
export interface GroundedApi {
  index: WorkspaceIndex;
  whenIndexed: () => Promise<void>;
  flushPending: () => Promise<void>;
  lastChatTranscript: () => ChatTranscript | undefined;
  storeApiKey: (key: string | undefined) => Thenable<void>;
  /** Everything the extension writes lives under these. */
  writtenFolders: vscode.Uri[];
  mcpServers: McpServerRegistration;
  /** What the status bar item says now. */
  statusBarText: () => string;
  /** Updates waiting for indexing to resume. */
  queuedUpdates: () => number;
  /** The pause as the workspace state holds it for the next session. */
  storedPause: () => unknown;
}

export function activate(context: vscode.ExtensionContext): GroundedApi | undefined {
  const log = vscode.window.createOutputChannel('Grounded', { log: true });
  context.subscriptions.push(log);
  let statusBar: ReturnType<typeof createStatusBar> | undefined;
  const index = new WorkspaceIndex({
    workerFile: vscode.Uri.joinPath(context.extensionUri, 'dist', 'indexWorker.js').fsPath,
    storageRoot: context.storageUri ?? context.globalStorageUri,
    log,
    apiKey: () => readApiKey(context.secrets),
    onProgress: () => statusBar?.render(),
    onChanged: () => statusBar?.render(),
  });
  statusBar = createStatusBar(index);
  const triggers = new IndexTriggers(index, log);
  const pause = new PauseControl(context.workspaceState, () => index.all, log);
  context.subscriptions.push(index, triggers, statusBar.item);

  const settingsOf = () => (index.all[0] ? index.all[0].currentSettings : undefined);
  const ignoredSettings = () => index.all.flatMap((f) => f.currentSettings.ignored);
  const status = () => statusMarkdown(index.all, vscode.workspace.isTrusted, RESTRICTED_SETTINGS);
  const flushPending = () => triggers.flush();

  let indexing: Promise<void> = Promise.resolve();
  /**
   * Folders are indexed one after another, not at once: each runs in its own worker, and a multi-root
   * workspace must not take every core of the machine from the editor.
   */
  const reconcileInTurn = (folders: FolderIndex[]) => {
    const previous = indexing;
    indexing = previous.then(async () => {
      for (const f of folders) {
        if (f.paused) log.info(`[${f.folder.name}] Indexing is paused: not bringing the index up to date until it resumes.`);
        else await f.reconcile().catch((err) => log.error(`Indexing ${f.folder.name} failed: ${err instanceof Error ? err.message : err}`));
      }
    });
    return indexing;
  };
  const reconcileAll = () => {
    const added = index.syncFolders();
    // In the same queue as indexing, before it: a workspace paused last session starts paused.
    indexing = indexing.then(() => pause.applyTo(added)).catch((err) => log.error(`Could not apply the pause: ${err instanceof Error ? err.message : err}`));
    return reconcileInTurn(added);
  };
  const catchUp = async () => {
    await triggers.runQueued();
    await reconcileInTurn(index.all);
  };
  /** Applies changed settings (or a new API key, with force); folders whose engine changed are reconciled again. */
  const restart = async (force = false) => {
    const changed = [];
    for (const f of index.all) if (await f.applySettings(readSettings(f.folder), force)) changed.push(f);
    void reconcileInTurn(changed);
    statusBar?.render();
  };

  registerCommands(context, { index, log, secrets: context.secrets, statusMarkdown: status, restart: () => restart(true), pause, catchUp });
  let lastTranscript: ChatTranscript | undefined;
  registerChatParticipant(context, {
    index,
    flushPending,
    endpointGenerator: () => endpointGenerator(settingsOf(), context.secrets),
    topK: () => settingsOf()?.topK ?? 8,
    log,
    statusMarkdown: status,
  }, (t) => (lastTranscript = t));
  const mcpServers = registerMcpServers(context.extensionUri, context.extension.packageJSON.version, index, log);
  context.subscriptions.push(
    mcpServers,
    registerSearchTool(index, flushPending),
    vscode.languages.registerHoverProvider(
      [{ scheme: 'file' }],
      createHoverProvider({
        index,
        mode: (doc) => index.forUri(doc.uri)?.currentSettings.hoverMode ?? 'off',
        generator: () => anyGenerator(settingsOf(), context.secrets),
      }),
    ),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void reconcileAll()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('grounded')) void restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    onApiKeyChanged(context.secrets, () => void restart(true)),
  );

  void reconcileAll();
  for (const ignored of new Set(ignoredSettings())) log.warn(`Workspace not trusted: ignoring ${ignored} from the workspace settings.`);
  statusBar.render();
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    index,
    whenIndexed: () => indexing,
    flushPending,
    lastChatTranscript: () => lastTranscript,
    storeApiKey: (key) => (key ? context.secrets.store('grounded.apiKey', key) : context.secrets.delete('grounded.apiKey')),
    writtenFolders: [context.logUri, context.globalStorageUri, ...(context.storageUri ? [context.storageUri] : [])],
    mcpServers,
    statusBarText: () => statusBar?.item.text ?? '',
    queuedUpdates: () => triggers.queuedCount,
    storedPause: () => context.workspaceState.get('grounded.indexingPaused'),
  };
}

export function deactivate(): void {
  // Workers and listeners are disposed through context.subscriptions.
}
