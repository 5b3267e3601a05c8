import * as vscode from 'vscode';
import { errorText } from '../core/errorText';
import { WorkspaceIndex } from './workspaceIndex';

const DEBOUNCE_MS = 300;
const NEVER_INDEXED = /\/(node_modules|\.git|\.hg|\.svn|\.grounded)(\/|$)/;

/**
 * Keeps the index current: a save re-indexes that file only, and the file watcher covers files
 * created, deleted, renamed or changed outside the editor. A burst of events for one file
 * (a formatter saving twice, a watcher echo of a save) becomes one update.
 */
export class IndexTriggers implements vscode.Disposable {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; run: () => Promise<void> }>();
  /** Updates that came due while their folder's indexing was paused, run on resume (the latest per file). */
  private readonly queued = new Map<string, () => Promise<void>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument((doc) => {
        const folder = this.index.forUri(doc.uri);
        if (folder?.currentSettings.indexOnSave) this.schedule(doc.uri, 'update');
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.fromWatcher(uri, 'update')),
      watcher.onDidChange((uri) => this.fromWatcher(uri, 'update')),
      watcher.onDidDelete((uri) => this.fromWatcher(uri, 'remove')),
    );
  }

  private fromWatcher(uri: vscode.Uri, kind: 'update' | 'remove'): void {
    const folder = this.index.forUri(uri);
    if (!folder || !folder.currentSettings.indexOnSave) return;
    // The index's own files live inside the folder when index.location says so.
    if (uri.fsPath.startsWith(folder.indexDir)) return;
    // An `npm install` or a checkout fires thousands of events in folders that are never indexed;
    // they are dropped here instead of each costing a message to the worker.
    if (NEVER_INDEXED.test(uri.path)) return;
    this.schedule(uri, kind);
  }

  private schedule(uri: vscode.Uri, kind: 'update' | 'remove'): void {
    const key = uri.toString();
    const previous = this.pending.get(key);
    if (previous) clearTimeout(previous.timer);
    const run = async () => {
      this.pending.delete(key);
      const folder = this.index.forUri(uri);
      if (!folder) return;
      const rel = folder.relative(uri) ?? uri.fsPath;
      if (folder.paused) {
        this.queued.set(key, run);
        this.log.debug(`[${folder.folder.name}] Indexing paused: queued the ${kind} of ${rel}.`);
        return;
      }
      this.queued.delete(key);
      try {
        if (kind === 'remove') await folder.removeFile(uri);
        else await folder.updateFile(uri);
        this.log.debug(`[${folder.folder.name}] ${kind === 'remove' ? 'Removed' : 'Updated'} ${rel} in the index.`);
      } catch (err) {
        this.log.warn(`Could not update the index for ${uri.fsPath}: ${errorText(err)}`);
      }
    };
    this.pending.set(key, { timer: setTimeout(run, DEBOUNCE_MS), run });
  }

  /** Runs the updates queued while indexing was paused; those of a folder still paused stay queued. */
  async runQueued(): Promise<void> {
    const runs = [...this.queued.values()];
    this.queued.clear();
    await Promise.all(runs.map((run) => run()));
  }

  /** How many updates wait for indexing to resume. */
  get queuedCount(): number {
    return this.queued.size;
  }

  /** Runs every pending update now: a question asked right after a save sees the saved text. */
  async flush(): Promise<void> {
    const runs = [...this.pending.values()];
    for (const p of runs) clearTimeout(p.timer);
    await Promise.all(runs.map((p) => p.run()));
  }

  dispose(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.queued.clear();
    this.disposables.forEach((d) => d.dispose());
  }
}
