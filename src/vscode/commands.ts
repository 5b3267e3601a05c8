import * as vscode from 'vscode';
import { ASK_COMMAND } from './hoverProvider';
import { clearApiKey, promptForApiKey } from './secrets';
import { StatusDocument } from './statusDocument';
import { WorkspaceIndex, WorkspaceResult } from './workspaceIndex';

export interface CommandDeps {
  index: WorkspaceIndex;
  log: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
  statusMarkdown: () => Promise<string>;
  /** Restarts the workers so that a new key or setting takes effect. */
  restart: () => Promise<void>;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const statusDoc = new StatusDocument(deps.statusMarkdown);
  const register = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  context.subscriptions.push(vscode.workspace.registerFileSystemProvider(StatusDocument.scheme, statusDoc, { isReadonly: true, isCaseSensitive: true }));

  register('grounded.reindex', () => reindex(deps));
  register('grounded.clearIndex', async () => {
    for (const f of deps.index.all) await f.clear();
    vscode.window.showInformationMessage('Grounded: the index was cleared. Run "Grounded: Reindex Workspace" to build it again.');
  });
  register('grounded.showStatus', async () => {
    await statusDoc.refresh();
    const doc = await vscode.workspace.openTextDocument(StatusDocument.uri);
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
  });
  register('grounded.search', () => quickSearch(deps.index));
  register('grounded.setApiKey', async () => {
    if (await promptForApiKey(deps.secrets)) {
      await deps.restart();
      vscode.window.showInformationMessage('Grounded: API key saved in secret storage.');
    }
  });
  register('grounded.clearApiKey', async () => {
    await clearApiKey(deps.secrets);
    await deps.restart();
    vscode.window.showInformationMessage('Grounded: API key removed.');
  });
  register('grounded.showLog', () => deps.log.show());
  register('grounded.pauseIndexing', async () => {
    for (const f of deps.index.all) await f.pause();
  });
  register('grounded.resumeIndexing', async () => {
    for (const f of deps.index.all) await f.resume();
  });
  register(ASK_COMMAND, (symbol: unknown) => {
    const name = typeof symbol === 'string' ? symbol.replace(/[^\w$.-]/g, '').slice(0, 100) : '';
    return vscode.commands.executeCommand('workbench.action.chat.open', { query: `@grounded What is ${name} and where is it used?` });
  });
}

/** Full rebuild with a cancellable progress notification that counts files. */
async function reindex(deps: CommandDeps): Promise<void> {
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Grounded: reindexing', cancellable: true },
    async (progress, token) => {
      token.onCancellationRequested(() => deps.index.all.forEach((f) => void f.cancel()));
      let last = 0;
      for (const f of deps.index.all) {
        await f.clear();
        const off = f.onProgressOnce((p) => {
          if (p.phase !== 'indexing' || !p.total) return;
          const pct = (p.done / p.total) * 100;
          progress.report({ message: `${f.folder.name}: ${p.done}/${p.total} files`, increment: Math.max(0, pct - last) });
          last = pct;
        });
        try {
          const s = await f.reconcile();
          deps.log.info(`Reindexed ${f.folder.name}: ${s.files} files, ${s.chunks} chunks.`);
        } catch (err) {
          if (token.isCancellationRequested) {
            vscode.window.showInformationMessage('Grounded: reindexing cancelled; what was indexed so far is kept.');
            return;
          }
          vscode.window.showErrorMessage(`Grounded: reindexing ${f.folder.name} failed: ${err instanceof Error ? err.message : err}`);
        } finally {
          off();
          last = 0;
        }
      }
    },
  );
}

/** A quick pick with live results; picking one opens it at its lines. */
function quickSearch(index: WorkspaceIndex): Promise<void> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { result?: WorkspaceResult }>();
    pick.title = 'Grounded: Search Workspace Knowledge';
    pick.placeholder = 'Ask or type keywords';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    let timer: NodeJS.Timeout | undefined;
    let generation = 0;
    pick.onDidChangeValue((value) => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(async () => {
        const mine = ++generation;
        if (!value.trim()) {
          pick.items = [];
          return;
        }
        pick.busy = true;
        const results = await index.query(value, { topK: 20 });
        if (mine !== generation) return;
        pick.busy = false;
        // Results are already ranked; the quick pick must not filter them again by its own matching.
        pick.items = results.map((r) => ({
          label: r.title,
          description: `${r.path}:${r.startLine}`,
          detail: r.text.split('\n').find((l) => l.trim())?.trim().slice(0, 200),
          alwaysShow: true,
          result: r,
        }));
      }, 150);
    });
    pick.onDidAccept(async () => {
      const r = pick.selectedItems[0]?.result;
      pick.hide();
      if (r) {
        await vscode.window.showTextDocument(r.uri, { selection: new vscode.Range(r.startLine - 1, 0, r.endLine - 1, 0) });
      }
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve();
    });
    pick.show();
  });
}
