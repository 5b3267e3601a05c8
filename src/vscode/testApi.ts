import * as vscode from 'vscode';
import { ChatTranscript } from './chatParticipant';
import { IndexTriggers } from './indexTriggers';
import { McpServerRegistration } from './mcpServerProvider';
import { PauseControl } from './pauseControl';
import { ReconcileQueue } from './reconcileQueue';
import { storeApiKey } from './secrets';
import { WorkspaceIndex } from './workspaceIndex';

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

/** The parts of the running extension the test API reads. */
export interface TestApiParts {
  index: WorkspaceIndex;
  queue: ReconcileQueue;
  triggers: IndexTriggers;
  pause: PauseControl;
  mcpServers: McpServerRegistration;
  statusBar: { item: vscode.StatusBarItem };
  lastChatTranscript: () => ChatTranscript | undefined;
}

export function testApi(context: vscode.ExtensionContext, parts: TestApiParts): GroundedApi {
  return {
    index: parts.index,
    whenIndexed: () => parts.queue.idle,
    flushPending: () => parts.triggers.flush(),
    lastChatTranscript: parts.lastChatTranscript,
    storeApiKey: (key) => storeApiKey(context.secrets, key),
    writtenFolders: [context.logUri, context.globalStorageUri, ...(context.storageUri ? [context.storageUri] : [])],
    mcpServers: parts.mcpServers,
    statusBarText: () => parts.statusBar.item.text,
    queuedUpdates: () => parts.triggers.queuedCount,
    storedPause: () => parts.pause.stored,
  };
}
