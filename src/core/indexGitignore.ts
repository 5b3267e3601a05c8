import * as path from 'path';
import { writeFileAtomic } from './store/atomicWrite';

/**
 * The `.gitignore` Grounded puts in an index folder it creates inside a workspace, so the index does
 * not show up in `git status` (pytest and mypy do the same for their caches). It is Grounded's own
 * only while its content is exactly this text: one a person has edited is theirs, never removed.
 */
export const INDEX_GITIGNORE = '# Created by Grounded: this index is local to this machine. Delete this file to commit the index.\n*\n';

export function isGroundedGitignore(content: string): boolean {
  return content === INDEX_GITIGNORE;
}

export async function writeIndexGitignore(indexDir: string): Promise<void> {
  await writeFileAtomic(path.join(indexDir, '.gitignore'), INDEX_GITIGNORE);
}
