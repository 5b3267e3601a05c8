import * as vscode from 'vscode';
import { progressText } from './statusReport';
import { WorkspaceIndex } from './workspaceIndex';

/** Index state at a glance: paused, indexing (with a count), error, or ready (with chunks); a click shows the status. */
export function createStatusBar(index: WorkspaceIndex) {
  const item = vscode.window.createStatusBarItem('grounded.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Grounded';
  item.command = 'grounded.showStatus';
  const render = () => {
    const folders = index.all;
    const error = folders.find((f) => f.lastError);
    const running = folders.find((f) => f.indexing);
    item.backgroundColor = undefined;
    if (folders.some((f) => f.paused)) {
      item.text = '$(debug-pause) Grounded paused';
      item.tooltip = 'Grounded: indexing is paused; saves and file changes are queued until you resume. Click for status.';
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else if (running) {
      item.text = `$(sync~spin) Grounded${running.progress?.total ? ` ${progressText(running.progress)}` : ''}`;
      item.tooltip = 'Grounded is indexing this workspace';
    } else if (error) {
      item.text = '$(error) Grounded';
      item.tooltip = `Grounded: ${error.lastError}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      const chunks = folders.reduce((n, f) => n + (f.lastSummary?.chunks ?? 0), 0);
      item.text = `$(database) Grounded ${chunks.toLocaleString()}`;
      item.tooltip = `Grounded index ready: ${chunks.toLocaleString()} chunks. Click for status.`;
    }
    item.show();
  };
  return { item, render };
}
