import * as fs from 'fs';
import * as path from 'path';
import { META_FILE, SHARDS_DIR_NAME } from './storeMeta';
import { processAlive } from './writeLock';

/**
 * What Grounded keeps in an index folder, and the rules for touching it. An index folder may come
 * with a repository (a committed `.grounded/`, a shared `grounded.index.location`), so Grounded writes
 * only through real folders it can recognise as its own, and deletes only the files it creates there.
 */
export const LOCK_FILE = 'write.lock';
const EMBEDDING_CACHE_DIR = 'embedding-cache';
export const SHARD_DIR_NAME = /^s[0-9a-f]{3}$/;
/** The lexical index over a shards folder's content, beside its shards (src/core/lexical/lexicalSnapshot.ts). */
export const LEXICAL_SNAPSHOT_FILE = 'lexical.bin';
/** The files of each shard without their chunks (see manifestFile.ts). */
export const MANIFEST_FILE = 'manifest.json';
/** The chunks the lexical snapshot describes, read at offsets (src/core/lexical/chunkTexts.ts). */
export const CHUNK_TEXTS_FILE = 'chunks.bin';
/** Files derived from the shards, kept beside them: Clear removes them (plain files only). */
const DERIVED_FILES = [LEXICAL_SNAPSHOT_FILE, MANIFEST_FILE, CHUNK_TEXTS_FILE];
/** Written into an index folder the CLI creates, so `git status` stays clean (as pytest and mypy do). */
export const INDEX_GITIGNORE = '# Written by Grounded: this folder is a local search index.\n*\n';
const QUARANTINE = /^s[0-9a-f]{3}\.damaged-\d+$/;
const TEMP_FILE = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;
const SHARD_FILE = /^(index\.json|vectors-[0-9a-f]+\.f32)$/;
const CACHE_FILE = /^[\w.-]+\.bin(\.lock)?$/;

export class IndexFolderError extends Error {
  override name = 'IndexFolderError';
}

export type FolderKind = 'missing' | 'empty' | 'index';

/**
 * Whether `dir` can hold an index: missing, empty, or already an index (its marker file, and nothing
 * but Grounded's own entries). A symbolic link, a file, or a folder holding anything else is refused.
 */
export async function inspectIndexFolder(dir: string): Promise<FolderKind> {
  const stat = await fs.promises.lstat(dir).catch(() => undefined);
  if (!stat) return 'missing';
  if (stat.isSymbolicLink()) throw new IndexFolderError(`The index folder ${dir} is a symbolic link; Grounded does not write through links. Remove it or choose another folder.`);
  if (!stat.isDirectory()) throw new IndexFolderError(`The index folder ${dir} is a file, not a folder. Choose another folder.`);
  const names = await fs.promises.readdir(dir);
  if (names.length === 0) return 'empty';
  const foreign = [];
  for (const name of names) if (!(await isOwnEntry(dir, name))) foreign.push(name);
  // The marker is the meta file, or (when a kill or damage took it) this identity-named layout. A
  // folder holding only Grounded's leftovers (a lock, a temporary file from a kill during the first
  // write) is as good as empty.
  const marked = names.includes(META_FILE) || names.some((n) => SHARDS_DIR_NAME.test(n));
  if (foreign.length === 0 && !marked) return 'empty';
  if (foreign.length > 0) {
    const example = foreign[0] ?? names[0];
    throw new IndexFolderError(`${dir} is not a Grounded index folder (it holds "${example}"${names.length > 1 ? ` and ${names.length - 1} more` : ''}); Grounded writes its index only into an empty or new folder, or one it created. Choose another folder.`);
  }
  return 'index';
}

async function isOwnEntry(dir: string, name: string): Promise<boolean> {
  const stat = await fs.promises.lstat(path.join(dir, name)).catch(() => undefined);
  if (!stat) return true; // gone meanwhile
  if (stat.isDirectory()) return SHARDS_DIR_NAME.test(name) || name === EMBEDDING_CACHE_DIR;
  if (!stat.isFile()) return false;
  if (name === META_FILE || name === LOCK_FILE || TEMP_FILE.test(name)) return true;
  if (name === '.gitignore') return (await fs.promises.readFile(path.join(dir, name), 'utf8').catch(() => '')) === INDEX_GITIGNORE;
  return false;
}

/** Throws unless `dir` is absent or a real folder: nothing is ever written through a link planted in an index. */
export async function assertRealFolder(dir: string): Promise<boolean> {
  const stat = await fs.promises.lstat(dir).catch(() => undefined);
  if (!stat) return false;
  if (!stat.isDirectory() || stat.isSymbolicLink()) throw new IndexFolderError(`${dir} is not a plain folder (a link or a file); Grounded does not write through it.`);
  return true;
}

/**
 * Removes Grounded's own files from an index folder (its marker, lock, shards, embedding cache, the
 * .gitignore it wrote) and the folder itself once empty. Anything else is left where it is and named.
 */
export async function clearIndexFolder(dir: string): Promise<string[]> {
  const kind = await inspectIndexFolder(dir);
  if (kind === 'missing') return [];
  const left: string[] = [];
  for (const name of await fs.promises.readdir(dir)) {
    const p = path.join(dir, name);
    if (SHARDS_DIR_NAME.test(name)) left.push(...(await removeShardsFolder(p)));
    else if (name === EMBEDDING_CACHE_DIR) left.push(...(await removeMatching(p, CACHE_FILE)));
    else if (await isOwnEntry(dir, name)) await fs.promises.rm(p, { force: true });
    else left.push(p);
  }
  await fs.promises.rmdir(dir).catch(() => undefined);
  return left;
}

/** A shards folder: each shard's own files, then the emptied folders. Returns what was not Grounded's. */
export async function removeShardsFolder(dir: string): Promise<string[]> {
  if (!(await assertRealFolder(dir).catch(() => false))) return (await fs.promises.lstat(dir).catch(() => undefined)) ? [dir] : [];
  const left: string[] = [];
  for (const name of await fs.promises.readdir(dir)) {
    const p = path.join(dir, name);
    if (SHARD_DIR_NAME.test(name) || QUARANTINE.test(name)) left.push(...(await removeShardFolder(p)));
    else if (TEMP_FILE.test(name) || (DERIVED_FILES.includes(name) && (await isPlainFile(p)))) await fs.promises.rm(p, { force: true });
    else left.push(p);
  }
  await fs.promises.rmdir(dir).catch(() => undefined);
  return left;
}

async function isPlainFile(p: string): Promise<boolean> {
  return (await fs.promises.lstat(p).catch(() => undefined))?.isFile() ?? false;
}

/** One shard folder's index.json, vector files and temporary files; a link is left alone. */
export function removeShardFolder(dir: string): Promise<string[]> {
  return removeMatching(dir, SHARD_FILE);
}

async function removeMatching(dir: string, own: RegExp): Promise<string[]> {
  if (!(await assertRealFolder(dir).catch(() => false))) return (await fs.promises.lstat(dir).catch(() => undefined)) ? [dir] : [];
  const left: string[] = [];
  for (const name of await fs.promises.readdir(dir)) {
    const p = path.join(dir, name);
    const stat = await fs.promises.lstat(p).catch(() => undefined);
    if (stat?.isFile() && (own.test(name) || TEMP_FILE.test(name))) await fs.promises.rm(p, { force: true });
    else if (stat) left.push(p);
  }
  await fs.promises.rmdir(dir).catch(() => undefined);
  return left;
}

/** Moves a damaged shard folder aside (a rename deletes nothing), so a fresh one can be written. */
export async function quarantineShard(dir: string): Promise<string> {
  const parent = path.dirname(dir);
  for (const name of await fs.promises.readdir(parent).catch(() => [] as string[])) {
    // Only the previous quarantine of this shard goes, and only if it holds nothing but shard files.
    if (name.startsWith(`${path.basename(dir)}.damaged-`) && QUARANTINE.test(name)) await removeShardFolder(path.join(parent, name));
  }
  const target = `${dir}.damaged-${Date.now()}`;
  await fs.promises.rename(dir, target);
  return target;
}

/**
 * Temporary files that a writer killed mid-write left in `dir`. Only the lock holder calls this, and
 * only files of processes that are gone are removed: another live process's file is its write in flight.
 */
export async function removeDeadTempFiles(dir: string): Promise<void> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const m = TEMP_FILE.exec(name);
      if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) await fs.promises.rm(path.join(dir, name), { force: true });
    }),
  );
}
