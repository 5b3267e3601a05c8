import * as vscode from 'vscode';
import { errorText } from '../core/errorText';
import { FolderIndex } from './folderIndex';
import { PauseControl } from './pauseControl';
import { readSettings } from './settings';
import { WorkspaceIndex } from './workspaceIndex';

/**
 * Brings the folders' indexes up to date one after another, not at once: each runs in its own worker,
 * and a multi-root workspace must not take every core of the machine from the editor.
 */
export class ReconcileQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly pause: PauseControl,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Settles when everything queued so far has run. */
  get idle(): Promise<void> {
    return this.tail;
  }

  inTurn(folders: FolderIndex[]): Promise<void> {
    this.tail = this.tail.then(async () => {
      for (const f of folders) {
        if (f.paused) this.log.info(`[${f.folder.name}] Indexing is paused: not bringing the index up to date until it resumes.`);
        else await f.reconcile().catch((err) => this.log.error(`Indexing ${f.folder.name} failed: ${errorText(err)}`));
      }
    });
    return this.tail;
  }

  /** Follows the workspace's folders: new ones are indexed, in the pause's state from the last session. */
  syncFolders(): Promise<void> {
    const added = this.index.syncFolders();
    // In the same queue as indexing, before it: a workspace paused last session starts paused.
    this.tail = this.tail.then(() => this.pause.applyTo(added)).catch((err) => this.log.error(`Could not apply the pause: ${errorText(err)}`));
    return this.inTurn(added);
  }

  /** Applies changed settings (or a new API key, with force); folders whose engine changed are reconciled again. */
  async applySettings(force = false): Promise<void> {
    const changed = [];
    for (const f of this.index.all) if (await f.applySettings(readSettings(f.folder), force)) changed.push(f);
    void this.inTurn(changed);
  }
}
