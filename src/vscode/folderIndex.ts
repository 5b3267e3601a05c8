import * as crypto from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { errorText } from '../core/errorText';
import { IndexProgress, IndexSize, IndexStatus, IndexSummary } from '../core/engine';
import { QueryOptions, SearchResult } from '../core/retrieval/types';
import { clearIndexFolder } from '../core/store/indexFolder';
import { resolveIndexDir } from '../core/store/indexLocation';
import { EngineClient, startEngineWorker } from '../core/worker/engineClient';
import { ExtensionSettings } from './settings';

export interface FolderIndexDeps {
  workerFile: string;
  storageRoot: vscode.Uri;
  log: vscode.LogOutputChannel;
  apiKey: () => Thenable<string | undefined>;
  onProgress: (folder: FolderIndex, p: IndexProgress) => void;
  onChanged: () => void;
}

/** One workspace folder's index, run in its own worker thread. */
export class FolderIndex {
  private client: EngineClient | undefined;
  private opening: Promise<void> | undefined;
  private version = 0;
  lastError: string | undefined;
  lastSummary: IndexSummary | undefined;
  indexing = false;
  /** The latest progress of the full run under way: the one count every view shows. */
  progress: IndexProgress | undefined;
  /** Paused by the user: no indexing work runs until resumed (the worker holds a run at its gate). */
  paused = false;
  private readonly progressListeners = new Set<(p: IndexProgress) => void>();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 30_000;

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    private settings: ExtensionSettings,
    private readonly deps: FolderIndexDeps,
  ) {}

  /** Changes each time the index changes: the hover cache keys on it. */
  get indexVersion(): number {
    return this.version;
  }

  get indexDir(): string {
    if (this.settings.indexLocation) return this.settings.indexLocation;
    const id = crypto.createHash('sha1').update(this.folder.uri.toString()).digest('hex').slice(0, 12);
    return path.join(this.deps.storageRoot.fsPath, `${this.folder.name.replace(/[^\w.-]/g, '_')}-${id}`);
  }

  get currentSettings(): ExtensionSettings {
    return this.settings;
  }

  /** Starts the worker and opens the index (once; later callers wait for the same opening). */
  ready(): Promise<void> {
    this.opening ??= this.open().catch((err) => {
      this.lastError = errorText(err);
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  /**
   * The index folder to open, clear or hand to the MCP server. A shared location (`suffix` names a
   * sibling of it) comes from the repository: it is refused, with its reason, unless it is a plain
   * folder inside the workspace; the extension's own storage needs no check.
   */
  checkedIndexDir(suffix = ''): Promise<string> {
    const location = this.settings.indexLocation;
    if (!location) return Promise.resolve(this.indexDir + suffix);
    return resolveIndexDir(this.folder.uri.fsPath, location + suffix, { explicit: false, refuseLinks: true });
  }

  private async open(): Promise<void> {
    const indexDir = await this.checkedIndexDir();
    const client = startEngineWorker(this.deps.workerFile, (m) => this.deps.log.info(`[${this.folder.name}] ${m}`));
    client.onProgress((p) => {
      this.progress = p.phase === 'done' ? undefined : p;
      this.deps.onProgress(this, p);
      this.progressListeners.forEach((l) => l(p));
    });
    const e = this.settings.embeddings;
    const dense = e.provider !== 'none';
    const apiKey = dense ? await this.deps.apiKey() : undefined;
    const opened = await client.api.open({
      folder: this.folder.uri.fsPath,
      indexDir,
      config: this.settings.engine,
      embedding: dense ? { provider: e.provider, baseURL: e.baseUrl, apiKey, model: e.model, dimensions: e.dimensions } : undefined,
    });
    this.client = client;
    if (this.paused) await client.api.pause();
    if (opened.rebuildReason) this.deps.log.info(`[${this.folder.name}] Rebuilding the index: ${opened.rebuildReason}`);
    this.deps.log.info(`[${this.folder.name}] Index open at ${this.indexDir} with ${opened.chunks} chunks.`);
  }

  /** The open engine in the worker, opened first if need be. */
  private async engine(): Promise<EngineClient['api']> {
    await this.ready();
    return this.client!.api;
  }

  /** Brings the index in line with the disk (files changed while VS Code was closed are picked up). */
  async reconcile(): Promise<IndexSummary> {
    this.indexing = true;
    this.deps.onChanged();
    try {
      const summary = await (await this.engine()).indexAll();
      this.lastSummary = summary;
      this.lastError = summary.error;
      this.version++;
      const changed = summary.added + summary.updated + summary.removed + summary.renamed;
      this.deps.log.info(`[${this.folder.name}] Indexed: ${summary.files} files, ${summary.chunks} chunks; ${changed} changed, ${summary.skipped.length} skipped, ${summary.failed.length} failed (${summary.ms} ms).`);
      for (const f of summary.failed) this.deps.log.warn(`[${this.folder.name}] Could not index ${f.relPath}: ${f.reason}`);
      for (const f of summary.skipped) this.deps.log.trace(`[${this.folder.name}] Skipped ${f.relPath}: ${f.reason}`);
      this.scheduleRetry(summary);
      return summary;
    } catch (err) {
      this.lastError = errorText(err);
      throw err;
    } finally {
      this.indexing = false;
      this.progress = undefined;
      this.deps.onChanged();
    }
  }

  /** Listens to this folder's indexing progress until the returned function is called. */
  onProgressOnce(listener: (p: IndexProgress) => void): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /**
   * Files that failed for a passing reason (an endpoint that timed out or was rate-limiting) stay
   * queued: the next run re-reads exactly them. It comes after a growing delay, and not at all after an
   * error retrying cannot fix (a bad key, an unknown model: those wait for a settings or key change).
   */
  private scheduleRetry(summary: IndexSummary): void {
    clearTimeout(this.retryTimer);
    if (summary.failed.length === 0 || summary.error) {
      this.retryDelayMs = 30_000;
      return;
    }
    this.deps.log.info(`[${this.folder.name}] Retrying ${summary.failed.length} file(s) in ${Math.round(this.retryDelayMs / 1000)} s.`);
    this.retryTimer = setTimeout(() => void this.reconcile().catch(() => undefined), this.retryDelayMs);
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 30 * 60_000);
  }

  cancel(): Promise<unknown> {
    return this.client ? this.client.api.cancelIndex() : Promise.resolve();
  }

  /** Holds indexing at the worker's gate; a worker started later is paused as it opens. */
  async pause(): Promise<void> {
    this.paused = true;
    this.deps.onChanged();
    await this.client?.api.pause();
  }

  async resume(): Promise<void> {
    this.paused = false;
    this.deps.onChanged();
    await this.client?.api.resume();
  }

  async updateFile(uri: vscode.Uri): Promise<void> {
    const rel = this.relative(uri);
    if (rel === undefined) return;
    await (await this.engine()).updateFile(rel);
    this.version++;
    this.deps.onChanged();
  }

  async removeFile(uri: vscode.Uri): Promise<void> {
    const rel = this.relative(uri);
    if (rel === undefined) return;
    await (await this.engine()).removeFile(rel);
    this.version++;
    this.deps.onChanged();
  }

  async query(text: string, options: Omit<QueryOptions, 'signal'>): Promise<(SearchResult & { uri: vscode.Uri })[]> {
    const results = await (await this.engine()).query(text, options);
    return results.map((r) => ({ ...r, uri: vscode.Uri.joinPath(this.folder.uri, ...r.path.split('/')) }));
  }

  /** The full report, its size on disk measured: for the status views, not for every question. */
  async status(): Promise<IndexStatus> {
    return (await this.engine()).status({ diskBytes: true });
  }

  /** How much there is to answer from, without touching the disk. */
  async size(): Promise<IndexSize> {
    return (await this.engine()).size();
  }

  /**
   * Stops the worker and removes Grounded's own files from the index folder (never anything else it
   * holds, and never a folder it cannot recognise as an index); the next reconcile starts afresh.
   */
  async clear(): Promise<void> {
    await this.stop();
    const left = await clearIndexFolder(await this.checkedIndexDir());
    this.deps.log.info(`[${this.folder.name}] Index cleared at ${this.indexDir}.`);
    if (left.length) this.deps.log.warn(`[${this.folder.name}] Left in the index folder because Grounded did not create them: ${left.join(', ')}`);
    this.version++;
    this.lastSummary = undefined;
    this.deps.onChanged();
  }

  /**
   * New settings. Those the engine uses (what to index, where, with which embedder) restart the worker,
   * and a model change then rebuilds the index; the rest (chat, hover) apply at once.
   * Returns whether the index must be reconciled again.
   */
  async applySettings(settings: ExtensionSettings, force = false): Promise<boolean> {
    const engineKey = (s: ExtensionSettings) => JSON.stringify([s.engine, s.embeddings, s.indexLocation]);
    const restart = force || engineKey(settings) !== engineKey(this.settings);
    this.settings = settings;
    if (restart) await this.stop();
    return restart;
  }

  relative(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== this.folder.uri.scheme) return undefined;
    const rel = path.relative(this.folder.uri.fsPath, uri.fsPath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  async stop(): Promise<void> {
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.opening = undefined;
    if (client) {
      await client.api.close().catch(() => undefined);
      await client.terminate();
    }
  }
}
