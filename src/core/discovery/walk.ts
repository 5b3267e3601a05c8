import * as fs from 'fs';
import * as path from 'path';
import { documentFormatForPath } from '../chunk/documentFormats';
import { GroundedConfig } from '../config';
import { createPathFilter, PathFilter } from './pathFilter';

export interface DiscoveredFile {
  /** Relative to the root, with `/`. */
  relPath: string;
  size: number;
  mtimeMs: number;
}

export interface SkippedFile {
  relPath: string;
  reason: string;
}

export interface Discovery {
  files: DiscoveredFile[];
  skipped: SkippedFile[];
}

/**
 * Every indexable file under `root`. Symbolic links are followed only while they stay inside the root,
 * and a directory reached twice (a link loop) is walked once. Skipped files are reported with a reason;
 * skipped directories are reported only when a user could be surprised (links), not for `node_modules`.
 */
export async function discoverFiles(root: string, config: GroundedConfig, filter?: PathFilter): Promise<Discovery> {
  const realRoot = await fs.promises.realpath(root);
  const walk: Walk = { root, realRoot, config, rules: filter ?? createPathFilter(root, config), files: [], skipped: [], seenDirs: new Set([realRoot]) };
  // Folder by folder, a level at a time, several folders at once: one at a time, the walk of a large
  // workspace was mostly waiting on the thread pool (a second of 2.4 s for 21k files).
  for (let level = ['']; level.length > 0; ) {
    const found = (await mapLimit(level, PARALLEL_FOLDERS, (relDir) => walkFolder(walk, relDir))).flat();
    // Which folders are new is decided here, in the level's order (folders themselves before links to
    // folders), not in the order reads finish: a folder reached twice is walked once, under its own
    // path when it is on this level, the same every time.
    const ordered = [...found.filter((f) => !f.viaLink), ...found.filter((f) => f.viaLink)];
    level = ordered.filter((f) => acceptFolder(walk, f)).map((f) => f.relPath).sort();
  }
  const byPath = (a: { relPath: string }, b: { relPath: string }) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0);
  walk.skipped.sort(byPath);
  walk.files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { files: walk.files, skipped: walk.skipped };
}

const PARALLEL_FOLDERS = 8;

/** A subfolder found: its real path, and whether a link led to it. */
interface FoundFolder {
  relPath: string;
  real: string;
  viaLink: boolean;
}

/** One folder: its files stat'ed and kept (or reported), its subfolders returned in name order. */
async function walkFolder(walk: Walk, relDir: string): Promise<FoundFolder[]> {
  const entries = await readFolder(walk, relDir);
  const relPaths = entries.map((entry) => (relDir ? `${relDir}/${entry.name}` : entry.name));
  const kinds = await Promise.all(entries.map((entry, i) => entryKind(walk, relPaths[i], entry)));
  await statFiles(walk, relPaths.filter((_, i) => kinds[i] === 'file'));
  return kinds.filter((k): k is FoundFolder => typeof k === 'object');
}

function acceptFolder(walk: Walk, f: FoundFolder): boolean {
  if (f.viaLink && walk.seenDirs.has(f.real)) return !!skip(walk, f.relPath, 'symbolic link to a folder already indexed (loop)');
  walk.seenDirs.add(f.real);
  return true;
}

/** `fn` over `items`, at most `limit` at a time; results in the items' order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** One walk's settings and what it has found so far. */
interface Walk {
  root: string;
  realRoot: string;
  config: GroundedConfig;
  rules: PathFilter;
  files: DiscoveredFile[];
  skipped: SkippedFile[];
  /** Real paths of the folders walked, so that a link back to one is not walked again. */
  seenDirs: Set<string>;
}

/** A folder's entries sorted by name; none (and the folder reported) when it cannot be read. */
async function readFolder(walk: Walk, relDir: string): Promise<fs.Dirent[]> {
  try {
    const entries = await fs.promises.readdir(path.join(walk.root, relDir), { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (err) {
    walk.skipped.push({ relPath: relDir || '.', reason: `cannot read folder (${(err as NodeJS.ErrnoException).code ?? err})` });
    return [];
  }
}

/** Whether an entry is a folder to walk (with its real path) or a file to index; undefined (reported where it matters) when neither. */
async function entryKind(walk: Walk, relPath: string, entry: fs.Dirent): Promise<FoundFolder | 'file' | undefined> {
  // Node decodes names as UTF-8; a name that is not comes back with U+FFFD and cannot be opened by it.
  if (entry.name.includes('\uFFFD')) return skip(walk, relPath, 'file name is not valid UTF-8');
  const absPath = path.join(walk.root, relPath);
  let isDir = entry.isDirectory();
  let isFile = entry.isFile();
  let real = absPath;
  const viaLink = entry.isSymbolicLink();
  if (viaLink) {
    const target = await resolveInside(walk.realRoot, absPath);
    if (!target.ok) return skip(walk, relPath, target.reason);
    isDir = target.stat.isDirectory();
    isFile = target.stat.isFile();
    real = target.real;
  }
  if (!isDir && !isFile) return undefined;
  const reason = walk.rules.checkEntry(relPath, isDir);
  // A folder left out by the rules (`node_modules`, an exclude glob) is expected, not worth a report.
  if (reason) return isDir ? undefined : skip(walk, relPath, reason);
  if (!isDir) return 'file';
  if (!viaLink) real = await fs.promises.realpath(absPath).catch(() => absPath);
  return { relPath, real, viaLink };
}

function skip(walk: Walk, relPath: string, reason: string): undefined {
  walk.skipped.push({ relPath, reason });
  return undefined;
}

/**
 * A folder's files are stat'ed together: one at a time, the walk of a 50k-file workspace waits on 50k
 * sequential round trips to the thread pool.
 */
async function statFiles(walk: Walk, toStat: string[]): Promise<void> {
  for (let i = 0; i < toStat.length; i += STAT_BATCH) {
    const batch = toStat.slice(i, i + STAT_BATCH);
    const stats = await Promise.allSettled(batch.map((relPath) => fs.promises.stat(path.join(walk.root, relPath))));
    stats.forEach((result, k) => {
      const relPath = batch[k];
      const limit = sizeLimitFor(relPath, walk.config);
      if (result.status === 'rejected') {
        walk.skipped.push({ relPath, reason: `cannot read (${(result.reason as NodeJS.ErrnoException).code ?? result.reason})` });
      } else if (result.value.size > limit) {
        walk.skipped.push({ relPath, reason: `larger than ${formatBytes(limit)} (${formatBytes(result.value.size)})` });
      } else {
        walk.files.push({ relPath, size: result.value.size, mtimeMs: result.value.mtimeMs });
      }
    });
  }
}

const STAT_BATCH = 64;

/** Documents (PDF, Word, notebooks, HTML) have a limit of their own: they run larger than text. */
function sizeLimitFor(relPath: string, config: GroundedConfig): number {
  return documentFormatForPath(relPath) ? config.maxDocumentBytes : config.maxFileBytes;
}

type LinkTarget = { ok: true; real: string; stat: fs.Stats } | { ok: false; reason: string };

async function resolveInside(realRoot: string, absPath: string): Promise<LinkTarget> {
  try {
    const real = await fs.promises.realpath(absPath);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
      return { ok: false, reason: 'symbolic link leads outside the folder' };
    }
    return { ok: true, real, stat: await fs.promises.stat(real) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: code === 'ELOOP' ? 'symbolic link loop' : `broken symbolic link (${code ?? err})` };
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
