import { LocalFileStorage } from 'vectra';
import { writeFileAtomic } from './atomicWrite';

/**
 * vectra's file storage with atomic writes. vectra itself overwrites `index.json` in place, so a kill
 * in the middle of a save leaves an empty or truncated index; through this storage it never does.
 */
export class AtomicFileStorage extends LocalFileStorage {
  override async upsertFile(filePath: string, content: Buffer | string): Promise<void> {
    await writeFileAtomic(filePath, content);
  }

  override async createFile(filePath: string, content: Buffer | string): Promise<void> {
    await writeFileAtomic(filePath, content);
  }
}
