import * as vscode from 'vscode';
import { FolderIndex } from './folderIndex';

const STATE_KEY = 'grounded.indexingPaused';
/** Context key for `when` clauses: the palette shows Pause or Resume, never both. */
const CONTEXT_KEY = 'grounded.indexingPaused';

/**
 * The user's pause of indexing for this workspace. It is kept in the workspace state, so it survives
 * a reload, and applied to every folder's index, including folders added later.
 */
export class PauseControl {
  constructor(
    private readonly state: vscode.Memento,
    private readonly folders: () => FolderIndex[],
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get paused(): boolean {
    return this.state.get<boolean>(STATE_KEY) === true;
  }

  /** The pause as the workspace state holds it for the next session, whatever was stored. */
  get stored(): unknown {
    return this.state.get(STATE_KEY);
  }

  /** Marks new folders paused when the workspace is, before any indexing starts in them. */
  async applyTo(folders: FolderIndex[]): Promise<void> {
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, this.paused);
    if (!this.paused) return;
    for (const f of folders) await f.pause();
    if (folders.length) this.log.info(`Indexing is paused (from an earlier session): ${folders.map((f) => f.folder.name).join(', ')} wait for Resume Indexing.`);
  }

  async pause(): Promise<void> {
    await this.state.update(STATE_KEY, true);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
    for (const f of this.folders()) await f.pause();
    this.log.info('Indexing paused: saves and file changes are queued until Resume Indexing.');
  }

  async resume(): Promise<void> {
    await this.state.update(STATE_KEY, undefined);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, false);
    for (const f of this.folders()) await f.resume();
    this.log.info('Indexing resumed.');
  }
}
