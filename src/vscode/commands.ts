import * as vscode from 'vscode';
import { ASK_COMMAND } from './hoverProvider';
import { PauseControl } from './pauseControl';
import { progressText } from './statusReport';
import { clearApiKey, promptForApiKey } from './secrets';
import { citationLabel } from '../core/prompt/citationLabel';
import { errorText } from '../core/errorText';
import { openCitation } from './citationTarget';
import { StatusDocument } from './statusDocument';
import { WorkspaceIndex, WorkspaceResult } from './workspaceIndex';

export interface CommandDeps {
  index: WorkspaceIndex;
  log: vscode.LogOutputChannel;
  secrets: vscode.SecretStorage;
  statusMarkdown: () => Promise<string>;
  /** Restarts the workers so that a new key or setting takes effect. */
  restart: () => Promise<void>;
  pause: PauseControl;
  /** After a resume: runs the queued updates and catches up with what changed while paused. */
  catchUp: () => Promise<void>;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const statusDoc = new StatusDocument(deps.statusMarkdown);
  const register = (id: string, fn: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  context.subscriptions.push(vscode.workspace.registerFileSystemProvider(StatusDocument.scheme, statusDoc, { isReadonly: true, isCaseSensitive: true }));

  register('grounded.reindex', () => (deps.pause.paused ? askToResume(deps) : reindex(deps)));
  register('grounded.clearIndex', async () => {
    try {
      for (const f of deps.index.all) await f.clear();
    } catch (err) {
      vscode.window.showErrorMessage(`Grounded: the index was not cleared: ${errorText(err)}`);
      return;
    }
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
    await deps.pause.pause();
    vscode.window.showInformationMessage('Grounded: indexing paused. Saves and file changes are queued until you run "Grounded: Resume Indexing".');
  });
  register('grounded.resumeIndexing', async () => {
    await deps.pause.resume();
    vscode.window.showInformationMessage('Grounded: indexing resumed.');
    await deps.catchUp();
  });
  register(ASK_COMMAND, (symbol: unknown) => {
    const name = typeof symbol === 'string' ? symbol.replace(/[^\w$.-]/g, '').slice(0, 100) : '';
    return vscode.commands.executeCommand('workbench.action.chat.open', { query: `@grounded What is ${name} and where is it used?` });
  });
}

/**
 * Reindex while paused asks first. The question is not awaited: the command returns at once and the
 * rebuild starts only if the user chooses to resume.
 */
function askToResume(deps: CommandDeps): void {
  void vscode.window.showWarningMessage('Grounded: indexing is paused. Resume indexing and reindex the workspace?', 'Resume and Reindex').then(async (choice) => {
    if (choice !== 'Resume and Reindex') return;
    await deps.pause.resume();
    await deps.catchUp();
    await reindex(deps);
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
        // The notification reads the folder's one progress count, the one the status bar shows.
        const off = f.onProgressOnce(() => {
          const p = f.progress;
          if (!p?.total) return;
          const pct = (p.done / p.total) * 100;
          progress.report({ message: `${f.folder.name}: ${progressText(p)}`, increment: Math.max(0, pct - last) });
          last = pct;
        });
        try {
          const s = await f.reconcile();
          deps.log.info(`Reindexed ${f.folder.name}: ${s.files} files, ${s.chunks} chunks.`);
          vscode.window.showInformationMessage(`Grounded: reindexed ${f.folder.name}: ${s.files.toLocaleString('en-US')} files, ${s.chunks.toLocaleString('en-US')} chunks in ${(s.ms / 1000).toFixed(1)} s.`);
        } catch (err) {
          if (token.isCancellationRequested) {
            vscode.window.showInformationMessage('Grounded: reindexing cancelled; what was indexed so far is kept.');
            return;
          }
          vscode.window.showErrorMessage(`Grounded: reindexing ${f.folder.name} failed: ${errorText(err)}`);
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
          description: r.page !== undefined || r.cell !== undefined ? citationLabel(r) : `${r.path}:${r.startLine}`,
          // VS Code cannot show a PDF's page, so its pick shows the page's text instead of one line.
          detail: (r.page !== undefined ? r.text.replace(/\s+/g, ' ') : r.text.split('\n').find((l) => l.trim()))?.trim().slice(0, 200),
          alwaysShow: true,
          result: r,
        }));
      }, 150);
    });
    pick.onDidAccept(async () => {
      const r = pick.selectedItems[0]?.result;
      pick.hide();
      if (r) await openCitation(r);
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve();
    });
    pick.show();
  });
}
