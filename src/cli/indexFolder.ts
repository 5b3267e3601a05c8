import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from '../core/store/atomicWrite';
import { INDEX_GITIGNORE } from '../core/store/indexFolder';
import { resolveIndexDir } from '../core/store/indexLocation';
import { readSharedIndexLocation } from '../vscode/sharedSettingsFile';
import { UsageError } from './args';

export interface IndexFolderRequest {
  /** The workspace folder being indexed. */
  folder: string;
  indexDir: string;
  /** The index folder came from `--index-dir` (a wrong one is a usage error). */
  fromOption: boolean;
  /** The command writes the index, so the folder may be created here. */
  create: boolean;
}

/**
 * Checks the workspace folder and the index folder before the engine opens them, so a file in the
 * way is one plain sentence rather than `EEXIST … mkdir`. A command that writes creates the index
 * folder here. The answer says whether the folder should get Grounded's `.gitignore` once the index
 * is in it: only a folder that is new or empty (never one holding anything else) and not the folder
 * the team shares through `grounded.index.location`.
 */
export async function prepareIndexFolder(req: IndexFolderRequest): Promise<{ ignoreInGit: boolean }> {
  const stat = await fs.promises.stat(req.folder).catch(() => undefined);
  if (!stat?.isDirectory()) throw new Error(`${path.resolve(req.folder)} is not a folder.`);
  if (!req.create) {
    const existing = await fs.promises.stat(req.indexDir).catch((err: NodeJS.ErrnoException) => err.code);
    if (existing === 'ENOTDIR' || (typeof existing === 'object' && !existing.isDirectory())) throw notAFolder(req, existing === 'ENOTDIR' ? 'ENOTDIR' : 'EEXIST');
    return { ignoreInGit: false };
  }
  try {
    await fs.promises.mkdir(req.indexDir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw notAFolder(req, code);
    throw err;
  }
  const empty = (await fs.promises.readdir(req.indexDir)).length === 0;
  return { ignoreInGit: empty && !(await isSharedLocation(req.folder, req.indexDir)) };
}

function notAFolder(req: IndexFolderRequest, code: string): Error {
  const where = path.resolve(req.indexDir);
  const what = code === 'ENOTDIR' ? 'cannot be a folder: a file is in its path' : 'is a file, not a folder';
  if (req.fromOption) return new UsageError(`--index-dir ${where} ${what}.`);
  return new Error(`The index folder ${where} ${what}; move the file or pass --index-dir.`);
}

/**
 * The `.gitignore` that keeps a new index out of `git status`. The store counts it as Grounded's own
 * (and so removes it with the index) only while its content is exactly INDEX_GITIGNORE.
 */
export async function writeIndexGitignore(indexDir: string): Promise<void> {
  await writeFileAtomic(path.join(indexDir, '.gitignore'), INDEX_GITIGNORE);
}

/** Both sides as real paths, so a link on the way (`/tmp` on macOS) does not hide a match. */
async function isSharedLocation(folder: string, indexDir: string): Promise<boolean> {
  const location = readSharedIndexLocation(folder);
  if (location === undefined) return false;
  const shared = await resolveIndexDir(folder, location, { explicit: true });
  return shared === (await resolveIndexDir(folder, indexDir, { explicit: true }));
}
