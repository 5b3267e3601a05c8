import * as fs from 'fs';
import * as os from 'os';

/**
 * A lock file that keeps two writers (two editor windows, or the CLI beside the editor) from writing
 * one index at once. A lock is stale when its owner process is gone, or when it is older than
 * `staleMs` (a writer holds it only for one batch of shard writes, so minutes mean a hung or dead host).
 */
export async function withWriteLock<T>(lockFile: string, fn: () => Promise<T>, opts: { timeoutMs?: number; staleMs?: number } = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const staleMs = opts.staleMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  const token = `${process.pid}@${os.hostname()} ${new Date().toISOString()}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.promises.writeFile(lockFile, token, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStale(lockFile, staleMs)) {
        await fs.promises.rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        const owner = await fs.promises.readFile(lockFile, 'utf8').catch(() => 'unknown');
        throw new Error(`The index is being written by another process (${owner.trim()}); try again when it finishes, or delete ${lockFile} if no Grounded process is running.`);
      }
      await new Promise((r) => setTimeout(r, Math.min(20 * 2 ** attempt, 250)));
    }
  }
  try {
    return await fn();
  } finally {
    const current = await fs.promises.readFile(lockFile, 'utf8').catch(() => '');
    if (current === token) await fs.promises.rm(lockFile, { force: true });
  }
}

async function isStale(lockFile: string, staleMs: number): Promise<boolean> {
  try {
    const [text, stat] = await Promise.all([fs.promises.readFile(lockFile, 'utf8'), fs.promises.stat(lockFile)]);
    if (Date.now() - stat.mtimeMs > staleMs) return true;
    const m = /^(\d+)@(\S+)/.exec(text);
    if (!m) return Date.now() - stat.mtimeMs > 5_000; // a lock being written right now has no text yet
    if (m[2] !== os.hostname()) return false;
    return !processAlive(Number(m[1]));
  } catch {
    return false;
  }
}

/** Whether a process of this machine is running (a lock or temporary file of a gone one is stale). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
