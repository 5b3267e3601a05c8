import * as fs from 'fs';
import * as path from 'path';
import { chunkFile } from '../chunk/chunkFile';
import { chunkVectors } from '../embed/chunkVectors';
import { readDocument } from '../discovery/readDocument';
import { TextRead } from '../discovery/readText';
import { discoverFiles } from '../discovery/walk';
import { sha1 } from '../store/identity';
import { chunkId, FileRecord, StoredChunk } from '../store/records';
import { IndexContext } from './indexContext';
import { tokenizeFileSteps } from '../lexical/lexicalIndex';
import { runSliced } from '../steps';
import { planChanges } from './plan';

/** What was done for a file while it waited its turn in a full run. */
export interface ChunkedAhead {
  hash: string;
  chunks?: Promise<StoredChunk[]>;
}

export type IndexOutcome = 'unchanged' | { hash: string; skipped?: string; embedded: number };

/** A file read ahead: its hash, and its chunks unless its content is what the index holds. */
export function chunkIfChanged(ctx: IndexContext, relPath: string, read: TextRead): ChunkedAhead | undefined {
  if (!read.ok || read.size === undefined) return undefined;
  const hash = sha1(read.text);
  const previous = ctx.store.getRecord(relPath);
  if (previous && !previous.skipped && previous.hash === hash) return { hash };
  const chunks = storedChunks(ctx, relPath, read.text);
  chunks.catch(() => undefined); // awaited (and its error reported) when the file's turn comes
  return { hash, chunks };
}

/** A file's chunks as the store keeps them: each with its text's hash and an id unique in the file. */
async function storedChunks(ctx: IndexContext, relPath: string, text: string): Promise<StoredChunk[]> {
  const chunks = await chunkFile(relPath, text, { maxTokens: ctx.config.chunkTokens }, ctx.chunkCode);
  return chunks.map((c, ordinal) => {
    const textHash = sha1(c.text);
    return { ...c, hash: textHash, id: chunkId(c.path, ordinal, c.startLine, textHash) };
  });
}

/** Puts what was read of one file into the store and the catalog (or records why it was skipped). */
export async function indexRead(ctx: IndexContext, relPath: string, read: TextRead, signal?: AbortSignal, ahead?: ChunkedAhead): Promise<IndexOutcome> {
  if (read.size === undefined || read.mtimeMs === undefined) {
    // Gone (or unreadable) between discovery and reading: nothing of it may stay in the index.
    forgetFile(ctx, relPath);
    return { hash: '', skipped: read.ok ? 'could not be read' : read.reason, embedded: 0 };
  }
  const stat = { size: read.size, mtimeMs: read.mtimeMs };
  const previous = ctx.store.getFile(relPath);
  const hash = read.ok ? (ahead?.hash ?? sha1(read.text)) : `skipped:${stat.size}:${stat.mtimeMs}`;
  const record: FileRecord = { path: relPath, hash, size: stat.size, mtimeMs: stat.mtimeMs, indexedAt: Date.now() };
  if (previous && previous.record.hash === hash && !previous.record.skipped) {
    // Same content, new timestamp (a touch or a checkout): record it so the next run need not read it.
    ctx.store.putFile({ ...previous.record, ...stat }, previous.chunks);
    return 'unchanged';
  }
  if (!read.ok) {
    ctx.openedCatalog()?.replaceFile(relPath, previous?.chunks, []);
    ctx.store.putFile({ ...record, skipped: read.reason }, []);
    return { hash, skipped: read.reason, embedded: 0 };
  }
  const stored = await (ahead?.chunks ?? storedChunks(ctx, relPath, read.text));
  const { vectors, embedded } = await chunkVectors(stored, ctx.vectors, signal);
  const catalog = ctx.openedCatalog();
  // Tokenized in steps, so a large file does not hold the engine's thread; the catalog changes in one go after.
  if (catalog) catalog.replaceFile(relPath, ctx.store.getFile(relPath)?.chunks, await runSliced(tokenizeFileSteps(stored)));
  ctx.store.putFile(record, stored, vectors);
  return { hash, embedded };
}

export async function indexOne(ctx: IndexContext, relPath: string): Promise<IndexOutcome> {
  return indexRead(ctx, relPath, await readDocument(path.join(ctx.folder, relPath), ctx.config));
}

export function forgetFile(ctx: IndexContext, relPath: string): FileRecord | undefined {
  const entry = ctx.store.removeFile(relPath);
  if (entry) ctx.openedCatalog()?.removeFile(relPath, entry.chunks);
  return entry?.record;
}

/** A save, a create or a delete: re-indexes the file, or removes it if it is gone or now excluded. */
export async function updatePath(ctx: IndexContext, rel: string): Promise<void> {
  const reason = ctx.filter.checkPath(rel);
  const stat = await fs.promises.stat(path.join(ctx.folder, rel)).catch(() => undefined);
  if (!reason && stat?.isDirectory()) await indexNewFiles(ctx, rel + '/');
  else if (reason || !stat?.isFile()) forgetFile(ctx, rel);
  else await indexOne(ctx, rel);
}

/**
 * A folder that appeared (created, moved in, unpacked): its files may have been written before a
 * watcher could watch it, so their own events never come. The files under it that the index does not
 * hold as they are now are read.
 */
async function indexNewFiles(ctx: IndexContext, prefix: string): Promise<void> {
  const found = await discoverFiles(ctx.folder, ctx.config, ctx.filter);
  const held = [...ctx.store.fileSummaries()].filter((e) => e.record.path.startsWith(prefix)).map((e) => e.record);
  const plan = planChanges(found.files.filter((f) => f.relPath.startsWith(prefix)), held);
  for (const f of plan.toRead) await indexOne(ctx, f.relPath);
}

/** Removes a file, or every file under a folder. */
export function removePath(ctx: IndexContext, rel: string): void {
  if (forgetFile(ctx, rel)) return;
  const prefix = rel + '/';
  for (const e of [...ctx.store.fileSummaries()]) if (e.record.path.startsWith(prefix)) forgetFile(ctx, e.record.path);
}
