import * as fs from 'fs';
import * as path from 'path';
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

/** Relative path with `/`, whatever the platform. */
export function toRelPath(root: string, absPath: string): string {
  return path.relative(root, absPath).split(path.sep).join('/');
}

/**
 * Every indexable file under `root`. Symbolic links are followed only while they stay inside the root,
 * and a directory reached twice (a link loop) is walked once. Skipped files are reported with a reason;
 * skipped directories are reported only when a user could be surprised (links), not for `node_modules`.
 */
export async function discoverFiles(root: string, config: GroundedConfig, filter?: PathFilter): Promise<Discovery> {
  const rules = filter ?? createPathFilter(root, config);
  const realRoot = await fs.promises.realpath(root);
  const files: DiscoveredFile[] = [];
  const skipped: SkippedFile[] = [];
  const seenDirs = new Set<string>([realRoot]);
  const stack: string[] = [''];

  while (stack.length > 0) {
    const relDir = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(path.join(root, relDir), { withFileTypes: true });
    } catch (err) {
      skipped.push({ relPath: relDir || '.', reason: `cannot read folder (${(err as NodeJS.ErrnoException).code ?? err})` });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const toStat: string[] = [];
    for (const entry of entries) {
      const relPath = relDir ? `${relDir}/${entry.name}` : entry.name;
      // Node decodes names as UTF-8; a name that is not comes back with U+FFFD and cannot be opened by it.
      if (entry.name.includes('\uFFFD')) {
        skipped.push({ relPath, reason: 'file name is not valid UTF-8' });
        continue;
      }
      const absPath = path.join(root, relPath);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await resolveInside(realRoot, absPath);
        if (!target.ok) {
          skipped.push({ relPath, reason: target.reason });
          continue;
        }
        isDir = target.stat.isDirectory();
        isFile = target.stat.isFile();
        if (isDir) {
          if (seenDirs.has(target.real)) {
            skipped.push({ relPath, reason: 'symbolic link to a folder already indexed (loop)' });
            continue;
          }
          seenDirs.add(target.real);
        }
      } else if (isDir) {
        seenDirs.add(await fs.promises.realpath(absPath).catch(() => absPath));
      }
      if (!isDir && !isFile) continue;
      const reason = rules.checkEntry(relPath, isDir);
      if (reason) {
        if (!isDir) skipped.push({ relPath, reason });
        continue;
      }
      if (isDir) stack.push(relPath);
      else toStat.push(relPath);
    }
    // A folder's files are stat'ed together: one at a time, the walk of a 50k-file workspace waits
    // on 50k sequential round trips to the thread pool.
    for (let i = 0; i < toStat.length; i += STAT_BATCH) {
      const batch = toStat.slice(i, i + STAT_BATCH);
      const stats = await Promise.allSettled(batch.map((relPath) => fs.promises.stat(path.join(root, relPath))));
      stats.forEach((result, k) => {
        const relPath = batch[k];
        if (result.status === 'rejected') {
          skipped.push({ relPath, reason: `cannot read (${(result.reason as NodeJS.ErrnoException).code ?? result.reason})` });
        } else if (result.value.size > config.maxFileBytes) {
          skipped.push({ relPath, reason: `larger than ${formatBytes(config.maxFileBytes)} (${formatBytes(result.value.size)})` });
        } else {
          files.push({ relPath, size: result.value.size, mtimeMs: result.value.mtimeMs });
        }
      });
    }
  }
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return { files, skipped };
}

const STAT_BATCH = 64;

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
