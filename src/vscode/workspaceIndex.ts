import * as vscode from 'vscode';
import { mergeByRelevance } from '../core/retrieval/relevance';
import { QueryOptions, SearchResult } from '../core/retrieval/types';
import { FolderIndex, FolderIndexDeps } from './folderIndex';
import { readSettings } from './settings';

/** The core's result, with where it is in VS Code's terms: its file's URI and its workspace folder's name. */
export type WorkspaceResult = SearchResult & {
  uri: vscode.Uri;
  folder: string;
};

/**
 * Every workspace folder's index (multi-root: one index a folder); queries span them all.
 */
export class WorkspaceIndex implements vscode.Disposable {
  private readonly folders = new Map<string, FolderIndex>();

  constructor(private readonly deps: FolderIndexDeps) {}

  get all(): FolderIndex[] {
    return [...this.folders.values()];
  }

  get version(): string {
    return this.all.map((f) => f.indexVersion).join('.');
  }

  forUri(uri: vscode.Uri): FolderIndex | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.folders.get(folder.uri.toString()) : undefined;
  }

  /** Adds indexes for new folders and drops those of removed ones. */
  syncFolders(): FolderIndex[] {
    const current = new Set((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString()));
    for (const [key, index] of this.folders) {
      if (!current.has(key)) {
        void index.stop();
        this.folders.delete(key);
      }
    }
    const added: FolderIndex[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file' || this.folders.has(folder.uri.toString())) continue;
      const index = new FolderIndex(folder, readSettings(folder), this.deps);
      this.folders.set(folder.uri.toString(), index);
      added.push(index);
    }
    return added;
  }

  /**
   * Ranked results from every folder. Unsaved editors are searched as they are now, and their indexed
   * chunks are left out, so an answer never quotes text that is no longer in the file.
   */
  async query(text: string, options: Omit<QueryOptions, 'signal' | 'liveFiles'>, token?: vscode.CancellationToken): Promise<WorkspaceResult[]> {
    const perFolder = await Promise.all(
      this.all.map(async (index) => {
        const liveFiles = vscode.workspace.textDocuments
          .filter((d) => d.isDirty && d.uri.scheme === 'file' && vscode.workspace.getWorkspaceFolder(d.uri)?.uri.toString() === index.folder.uri.toString())
          .map((d) => ({ path: index.relative(d.uri)!, text: d.getText() }))
          .filter((f) => f.path !== undefined);
        try {
          const results = await index.query(text, { ...options, liveFiles });
          return results.map((r) => ({ ...r, folder: index.folder.name }));
        } catch (err) {
          index.lastError = err instanceof Error ? err.message : String(err);
          return [];
        }
      }),
    );
    if (token?.isCancellationRequested) return [];
    // Folders may differ in mode (lexical, hybrid), so their scores are on different scales.
    return mergeByRelevance(perFolder, options.topK ?? 10);
  }

  /**
   * How much there is to answer from: the chunks indexed, and, while a folder's first index is still
   * being built, how far it is (summed over such folders).
   */
  async coverage(): Promise<{ chunks: number; building?: { done: number; total: number } }> {
    let chunks = 0;
    let building: { done: number; total: number } | undefined;
    for (const f of this.all) {
      chunks += await f.size().then((s) => s.chunks, () => 0);
      if (!f.indexing || f.lastSummary) continue;
      building ??= { done: 0, total: 0 };
      building.done += f.progress?.done ?? 0;
      building.total += f.progress?.total ?? 0;
    }
    return { chunks, building };
  }

  /** Characters of chunk text across every folder's index. */
  async textChars(): Promise<number> {
    let n = 0;
    for (const f of this.all) n += await f.size().then((s) => s.textChars, () => Number.POSITIVE_INFINITY);
    return n;
  }

  async fileCount(): Promise<number> {
    let n = 0;
    for (const f of this.all) n += f.lastSummary?.files ?? (await f.size().then((s) => s.files, () => 0));
    return n;
  }

  dispose(): void {
    for (const f of this.all) void f.stop();
    this.folders.clear();
  }
}
