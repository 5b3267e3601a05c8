import * as assert from 'assert';
import * as vscode from 'vscode';
import type { GroundedApi } from '../../src/extension';

export const EXTENSION_ID = 'grounded-labs.grounded';

/** The extension's test API, once the first index is built. */
export async function groundedApi(): Promise<GroundedApi> {
  const ext = vscode.extensions.getExtension<GroundedApi>(EXTENSION_ID);
  assert.ok(ext, 'the extension is installed');
  const api = await ext.activate();
  assert.ok(api, 'the test API is exported in test mode');
  await api.whenIndexed();
  return api;
}

export function folder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'a workspace folder is open');
  return f;
}

export function fileUri(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(folder().uri, ...rel.split('/'));
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function paths(api: GroundedApi, text: string): Promise<string[]> {
  await api.flushPending();
  return (await api.index.query(text, { topK: 10 })).map((r) => r.path);
}

export async function writeFile(rel: string, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(fileUri(rel), Buffer.from(text, 'utf8'));
}

/**
 * Sends a question in the Chat view with the stub's model picked, as a user would in the model picker.
 * VS Code 1.100 ignores modelSelector and takes the stub's model as the default; current releases make
 * only Copilot's models default, so without it a request finds no model.
 */
export async function askInChat(query: string): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.chat.open', { query, modelSelector: { vendor: 'test' } });
}
