import * as fs from 'fs';
import * as path from 'path';
import { IndexFolderError } from './indexFolder';

/** The index's folder inside the workspace folder when nothing names another (`<folder>/.grounded`). */
export const INDEX_FOLDER_NAME = '.grounded';

/** Folders that belong to other tools: an index placed there could be mistaken for, or damage, their data. */
const RESERVED = new Set(['.git', '.hg', '.svn', '.vscode', 'node_modules']);

export interface LocationOptions {
  /** Named by the person running Grounded (`--index-dir`): may be anywhere, through links too. */
  explicit: boolean;
  /** A link is refused even when it stays inside the folder (a team's shared `grounded.index.location`). */
  refuseLinks?: boolean;
}

/**
 * The real path of the folder an index is written to. A default or shared location comes from the
 * workspace, which may be hostile: it must resolve inside the workspace folder, not be the folder
 * itself, not sit in another tool's folder (`.git`, `.vscode`, …), and not be reached through a link
 * that leaves the folder (or, with `refuseLinks`, through any link).
 */
export async function resolveIndexDir(folder: string, indexDir: string, opts: LocationOptions): Promise<string> {
  const abs = path.resolve(folder, indexDir);
  if (opts.explicit) return realOrResolved(abs);
  const realFolder = await fs.promises.realpath(folder).catch(() => {
    throw new Error(`${path.resolve(folder)} is not a folder.`);
  });
  const rel = path.relative(path.resolve(folder), abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) throw new IndexFolderError(`The index location ${abs} is not inside the workspace folder ${folder}; refused.`);
  const reserved = rel.split(path.sep).find((seg) => RESERVED.has(seg));
  if (reserved) throw new IndexFolderError(`The index location ${rel} is inside "${reserved}", which belongs to another tool; refused.`);
  const link = await firstLink(path.resolve(folder), rel);
  if (link && opts.refuseLinks) throw new IndexFolderError(`The index location ${rel} goes through the symbolic link ${link}; refused.`);
  const real = await realOrResolved(abs);
  const realRel = path.relative(realFolder, real);
  if (!realRel || realRel.startsWith('..') || path.isAbsolute(realRel)) {
    throw new IndexFolderError(`The index folder ${abs} is a symbolic link to ${real}, outside the workspace folder; refused. Name it with --index-dir to use it anyway.`);
  }
  return real;
}

/** The first existing component of `rel` under `root` that is a symbolic link. */
async function firstLink(root: string, rel: string): Promise<string | undefined> {
  let at = root;
  for (const seg of rel.split(path.sep)) {
    at = path.join(at, seg);
    const stat = await fs.promises.lstat(at).catch(() => undefined);
    if (!stat) return undefined;
    if (stat.isSymbolicLink()) return path.relative(root, at);
  }
  return undefined;
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended. */
async function realOrResolved(p: string): Promise<string> {
  const real = await fs.promises.realpath(p).catch(() => undefined);
  if (real) return real;
  const parent = path.dirname(p);
  return parent === p ? p : path.join(await realOrResolved(parent), path.basename(p));
}
