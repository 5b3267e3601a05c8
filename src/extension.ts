import * as vscode from 'vscode';
import { ChatTranscript, registerChatParticipant } from './vscode/chatParticipant';
import { registerCommands } from './vscode/commands';
import { anyGenerator, endpointGenerator } from './vscode/generators';
import { createHoverProvider } from './vscode/hoverProvider';
import { IndexTriggers } from './vscode/indexTriggers';
import { registerMcpServers } from './vscode/mcpServerProvider';
import { PauseControl } from './vscode/pauseControl';
import { ReconcileQueue } from './vscode/reconcileQueue';
import { registerSearchTool } from './vscode/searchTool';
import { onApiKeyChanged, readApiKey } from './vscode/secrets';
import { RESTRICTED_SETTINGS } from './vscode/settings';
import { createStatusBar } from './vscode/statusBar';
import { statusMarkdown } from './vscode/statusReport';
import { GroundedApi, testApi } from './vscode/testApi';
import { WorkspaceIndex } from './vscode/workspaceIndex';

export type { GroundedApi } from './vscode/testApi';

/** The pieces every feature is wired to. */
interface Parts {
  log: vscode.LogOutputChannel;
  index: WorkspaceIndex;
  statusBar: ReturnType<typeof createStatusBar>;
  triggers: IndexTriggers;
  pause: PauseControl;
  queue: ReconcileQueue;
}

export function activate(context: vscode.ExtensionContext): GroundedApi | undefined {
  const parts = createParts(context);
  const { log, index, statusBar, triggers, pause, queue } = parts;
  const restart = async (force = false) => {
    await queue.applySettings(force);
    statusBar.render();
  };
  const catchUp = async () => {
    await triggers.runQueued();
    await queue.inTurn(index.all);
  };
  const status = () => statusMarkdown(index.all, vscode.workspace.isTrusted, RESTRICTED_SETTINGS);
  registerCommands(context, { index, log, secrets: context.secrets, statusMarkdown: status, restart: () => restart(true), pause, catchUp });
  let lastTranscript: ChatTranscript | undefined;
  registerChatParticipant(context, {
    index,
    flushPending: () => triggers.flush(),
    endpointGenerator: () => endpointGenerator(settingsOf(index), context.secrets),
    topK: () => settingsOf(index)?.topK ?? 8,
    log,
    statusMarkdown: status,
  }, (t) => (lastTranscript = t));
  const mcpServers = registerMcpServers(context.extensionUri, context.extension.packageJSON.version, index, log);
  context.subscriptions.push(
    mcpServers,
    registerSearchTool(index, () => triggers.flush()),
    registerHover(context, index),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void queue.syncFolders()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('grounded')) void restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    onApiKeyChanged(context.secrets, () => void restart(true)),
  );
  void queue.syncFolders();
  for (const ignored of new Set(index.all.flatMap((f) => f.currentSettings.ignored))) log.warn(`Workspace not trusted: ignoring ${ignored} from the workspace settings.`);
  statusBar.render();
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return testApi(context, { ...parts, mcpServers, lastChatTranscript: () => lastTranscript });
}

export function deactivate(): void {
  // Workers and listeners are disposed through context.subscriptions.
}

function createParts(context: vscode.ExtensionContext): Parts {
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
  return { log, index, statusBar, triggers, pause, queue: new ReconcileQueue(index, pause, log) };
}

function registerHover(context: vscode.ExtensionContext, index: WorkspaceIndex): vscode.Disposable {
  return vscode.languages.registerHoverProvider(
    [{ scheme: 'file' }],
    createHoverProvider({
      index,
      mode: (doc) => index.forUri(doc.uri)?.currentSettings.hoverMode ?? 'off',
      generator: () => anyGenerator(settingsOf(index), context.secrets),
    }),
  );
}

/** The model and search settings come from the first folder: one chat and one hover serve the window. */
function settingsOf(index: WorkspaceIndex) {
  return index.all[0] ? index.all[0].currentSettings : undefined;
}
