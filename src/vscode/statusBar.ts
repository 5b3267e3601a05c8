import * as vscode from 'vscode';
import { WorkspaceIndex } from './workspaceIndex';

/** Index state at a glance: indexing (with a count), ready (with chunks), or error; a click shows the status. */
export function createStatusBar(index: WorkspaceIndex) {
  const item = vscode.window.createStatusBarItem('grounded.status', vscode.StatusBarAlignment.Right, 100);
  item.name = 'Grounded';
  item.command = 'grounded.showStatus';
  let progress: { done: number; total: number } | undefined;
  const render = () => {
    const folders = index.all;
    const error = folders.find((f) => f.lastError);
    if (folders.some((f) => f.indexing)) {
      item.text = `$(sync~spin) Grounded${progress?.total ? ` ${progress.done}/${progress.total}` : ''}`;
      item.tooltip = 'Grounded is indexing this workspace';
      item.backgroundColor = undefined;
    } else if (error) {
      item.text = '$(error) Grounded';
      item.tooltip = `Grounded: ${error.lastError}`;
      item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else {
      const chunks = folders.reduce((n, f) => n + (f.lastSummary?.chunks ?? 0), 0);
      item.text = `$(database) Grounded ${chunks.toLocaleString()}`;
      item.tooltip = `Grounded index ready: ${chunks.toLocaleString()} chunks. Click for status.`;
      item.backgroundColor = undefined;
    }
    item.show();
  };
  return {
    item,
    render,
    setProgress(p: { done: number; total: number } | undefined) {
      progress = p;
      render();
    },
  };
}
