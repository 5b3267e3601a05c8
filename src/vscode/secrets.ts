import * as vscode from 'vscode';

const KEY = 'grounded.apiKey';

/** The endpoint API key lives in VS Code's SecretStorage (the OS keychain), never in settings. */
export function readApiKey(secrets: vscode.SecretStorage): Thenable<string | undefined> {
  return secrets.get(KEY);
}

export async function promptForApiKey(secrets: vscode.SecretStorage): Promise<boolean> {
  const value = await vscode.window.showInputBox({
    title: 'Grounded: API key for the OpenAI-compatible endpoint',
    prompt: 'Stored in VS Code\'s secret storage, never in settings or logs.',
    password: true,
    ignoreFocusOut: true,
  });
  if (!value) return false;
  await secrets.store(KEY, value.trim());
  return true;
}

/** Stores the key, or deletes it when there is none. */
export function storeApiKey(secrets: vscode.SecretStorage, key: string | undefined): Thenable<void> {
  return key ? secrets.store(KEY, key) : secrets.delete(KEY);
}

export function clearApiKey(secrets: vscode.SecretStorage): Thenable<void> {
  return secrets.delete(KEY);
}

export function onApiKeyChanged(secrets: vscode.SecretStorage, listener: () => void): vscode.Disposable {
  return secrets.onDidChange((e) => {
    if (e.key === KEY) listener();
  });
}
