import * as vscode from 'vscode';
import { errorText } from '../core/errorText';
import { FolderIndex } from './folderIndex';
import { McpApi, mcpApi, McpStdioServerDefinition } from './mcpApi';
import { WorkspaceIndex } from './workspaceIndex';

const MCP_PROVIDER_ID = 'grounded';

export interface McpServerRegistration {
  /** False on a VS Code without the MCP server definition API (before 1.101). */
  registered: boolean;
  /** The definitions agent mode is offered now. */
  definitions: () => Promise<McpStdioServerDefinition[]>;
  dispose(): void;
}

/**
 * Offers agent mode one Grounded MCP server a workspace folder, without configuration: the CLI bundled
 * in the extension, run by the editor's own runtime (`ELECTRON_RUN_AS_NODE` makes VS Code's executable a
 * plain Node; Node on PATH may be missing or too old), on the folder's index.
 */
export function registerMcpServers(extensionUri: vscode.Uri, version: string, index: WorkspaceIndex, log: vscode.LogOutputChannel): McpServerRegistration {
  const api = mcpApi();
  if (!api) {
    log.debug(`VS Code ${vscode.version} has no stable MCP server definition API (1.101+): the Grounded MCP server is not offered to agent mode.`);
    return { registered: false, definitions: async () => [], dispose: () => undefined };
  }
  const definitions = async () => {
    const servers = await Promise.all(index.all.map((f) => serverFor(api, f, extensionUri, version, index.all.length > 1).catch((err: Error) => {
      log.warn(`[${f.folder.name}] No Grounded MCP server offered: ${err.message}`);
      return undefined;
    })));
    return servers.filter((s): s is McpStdioServerDefinition => s !== undefined);
  };
  const changed = new vscode.EventEmitter<void>();
  let provider: vscode.Disposable;
  try {
    provider = api.registerProvider(MCP_PROVIDER_ID, { onDidChangeMcpServerDefinitions: changed.event, provideMcpServerDefinitions: definitions });
  } catch (err) {
    // An editor whose API differs from the stable one must still get the rest of Grounded.
    log.warn(`The Grounded MCP server could not be offered to agent mode: ${errorText(err)}`);
    changed.dispose();
    return { registered: false, definitions: async () => [], dispose: () => undefined };
  }
  const disposables: vscode.Disposable[] = [
    changed,
    provider,
    vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('grounded') && changed.fire()),
  ];
  return { registered: true, definitions, dispose: () => disposables.forEach((d) => d.dispose()) };
}

async function serverFor(api: McpApi, f: FolderIndex, extensionUri: vscode.Uri, version: string, multiRoot: boolean): Promise<McpStdioServerDefinition> {
  const cli = vscode.Uri.joinPath(extensionUri, 'dist', 'cli.js').fsPath;
  // The server is lexical (it gets no API key): it shares the editor's index unless that one holds embeddings.
  // `--index-dir` is trusted by the CLI, so a location from the workspace is checked here, as the editor's own.
  const indexDir = await f.checkedIndexDir(f.currentSettings.embeddings.provider === 'none' ? '' : '-mcp');
  const label = multiRoot ? `Grounded: ${f.folder.name}` : 'Grounded';
  const server = new api.StdioDefinition(label, process.execPath, [cli, 'mcp', f.folder.uri.fsPath, '--index-dir', indexDir], { ELECTRON_RUN_AS_NODE: '1' }, version);
  server.cwd = f.folder.uri;
  return server;
}
