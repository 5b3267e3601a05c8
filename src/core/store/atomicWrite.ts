import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes a file so that a reader sees either the old content or the new, never a mix or a truncated
 * file: the bytes go to a temporary file in the same folder, are flushed to disk, then renamed over.
 */
export async function writeFileAtomic(file: string, content: Buffer | string): Promise<void> {
  await writeFileAtomicWith(file, async (handle) => {
    await handle.writeFile(content);
    return true;
  });
}

/**
 * The same, for content written piece by piece: `fill` writes the temporary file through its handle
 * and returns false to abandon the write (the old file stays). Returns whether the file was replaced.
 * The temporary name is new (`wx`): nothing planted under it is written through.
 */
export async function writeFileAtomicWith(file: string, fill: (handle: fs.promises.FileHandle) => Promise<boolean>): Promise<boolean> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.promises.open(tmp, 'wx');
  let keep: boolean;
  try {
    keep = await fill(handle);
    if (keep) await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  if (!keep) {
    await fs.promises.rm(tmp, { force: true });
    return false;
  }
  try {
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  return true;
}
