import * as path from 'path';
import { PathFilter } from './pathFilter';

/**
 * The index folder is never indexed, wherever it is: an `--index-dir` inside the workspace would
 * otherwise index its own files and grow on every run.
 */
export function excludingIndexFolder(filter: PathFilter, folder: string, indexDir: string): PathFilter {
  const rel = path.relative(path.resolve(folder), path.resolve(indexDir)).split(path.sep).join('/');
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return filter;
  const inside = (p: string) => p === rel || p.startsWith(rel + '/');
  const reason = 'the index folder itself';
  return {
    checkEntry: (p, isDir) => (inside(p) ? reason : filter.checkEntry(p, isDir)),
    checkPath: (p) => (inside(p) ? reason : filter.checkPath(p)),
  };
}
