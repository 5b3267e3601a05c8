import type { FileStorage } from 'vectra';
import { writeFileAtomic } from './atomicWrite';

let storage: Promise<FileStorage> | undefined;

/**
 * vectra's file storage with atomic writes. vectra itself overwrites `index.json` in place, so a kill
 * in the middle of a save leaves an empty or truncated index; through this storage it never does.
 * vectra is loaded here, on the first write: a process that only answers questions never loads it.
 */
export function atomicFileStorage(): Promise<FileStorage> {
  storage ??= import('vectra').then(({ LocalFileStorage }) => {
    class AtomicFileStorage extends LocalFileStorage {
      override async upsertFile(filePath: string, content: Buffer | string): Promise<void> {
        await writeFileAtomic(filePath, content);
      }

      override async createFile(filePath: string, content: Buffer | string): Promise<void> {
        await writeFileAtomic(filePath, content);
      }
    }
    return new AtomicFileStorage();
  });
  return storage;
}
