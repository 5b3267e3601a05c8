import * as vscode from 'vscode';

/**
 * The MCP server definition API, stable since VS Code 1.101. Grounded builds against 1.100's types and
 * runs on 1.100, so the few shapes it uses are declared here and looked up at run time.
 */
export interface McpStdioServerDefinition {
  readonly label: string;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
  cwd?: vscode.Uri;
  version?: string;
}

export interface McpServerDefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): vscode.ProviderResult<McpStdioServerDefinition[]>;
  resolveMcpServerDefinition?(server: McpStdioServerDefinition, token: vscode.CancellationToken): vscode.ProviderResult<McpStdioServerDefinition>;
}

type StdioDefinitionClass = new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => McpStdioServerDefinition;

export interface McpApi {
  registerProvider(id: string, provider: McpServerDefinitionProvider): vscode.Disposable;
  StdioDefinition: StdioDefinitionClass;
}

/** The first release with the stable API; 1.100 has a proposed one under another contribution point. */
const STABLE_SINCE: [number, number] = [1, 101];

/** The API when this VS Code has it, else undefined. */
export function mcpApi(version = vscode.version): McpApi | undefined {
  const [major, minor] = version.split('.').map((n) => parseInt(n, 10));
  if (major < STABLE_SINCE[0] || (major === STABLE_SINCE[0] && minor < STABLE_SINCE[1])) return undefined;
  const lm = vscode.lm as unknown as { registerMcpServerDefinitionProvider?: (id: string, p: McpServerDefinitionProvider) => vscode.Disposable };
  const StdioDefinition = (vscode as unknown as { McpStdioServerDefinition?: StdioDefinitionClass }).McpStdioServerDefinition;
  if (typeof lm.registerMcpServerDefinitionProvider !== 'function' || typeof StdioDefinition !== 'function') return undefined;
  return { registerProvider: (id, p) => lm.registerMcpServerDefinitionProvider!(id, p), StdioDefinition };
}
