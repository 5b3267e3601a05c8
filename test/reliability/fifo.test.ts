import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { readTextFile } from '../../src/core/discovery/readText';
import { Engine } from '../../src/core/engine';
import { tempDir, writeTree } from '../unit/helpers';

// FIFOs exist on Linux and macOS; Windows has none to block on.
const skip = process.platform === 'win32' ? 'no FIFOs on Windows' : false;

function mkfifo(file: string): void {
  fs.rmSync(file, { force: true });
  execFileSync('mkfifo', [file]);
}

/** Fails instead of hanging: a blocked open would otherwise keep the run waiting forever. */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} still running after ${ms} ms`)), ms)));
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * A reader blocked on a FIFO holds a libuv thread until a writer comes; opening the write end (which
 * fails at once when no reader waits) frees it, so a failing test still lets the process end.
 */
function releaseReaders(fifo: string): void {
  try {
    fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
  } catch {
    // ENXIO: nobody is waiting on it, as it should be.
  }
}

test('readTextFile refuses a FIFO at once instead of waiting for a writer', { skip, timeout: 20_000 }, async () => {
  const fifo = path.join(tempDir(), 'pipe.md');
  mkfifo(fifo);
  try {
    const read = await within(3000, 'readTextFile on a FIFO', readTextFile(fifo, 1024 * 1024));
    assert.deepEqual(read, { ok: false, reason: 'not a regular file' });
  } finally {
    releaseReaders(fifo);
  }
});

test('index finishes when a file is replaced by a FIFO after discovery, and when one is there from the start', { skip, timeout: 30_000 }, async () => {
  const root = tempDir();
  const files: Record<string, string> = {};
  // More files than the engine reads ahead, so the last one is still unread when the first is indexed.
  for (let i = 0; i < 60; i++) files[`f${String(i).padStart(2, '0')}.md`] = `# F${i}\n\nplain text ${i}\n`;
  writeTree(root, files);
  const late = path.join(root, 'f59.md');
  const early = path.join(root, 'early.md');
  mkfifo(early);
  const engine = await Engine.open({ folder: root, indexDir: path.join(tempDir(), 'idx'), shardCount: 4 });
  let replaced = false;
  try {
    const summary = await within(10_000, 'index', engine.indexAll({
      onProgress: (p) => {
        if (p.phase === 'indexing' && !replaced) {
          replaced = true;
          mkfifo(late);
        }
      },
    }));
    assert.ok(replaced, 'the file was replaced mid-run');
    assert.deepEqual(summary.failed, []);
    const reasons = new Map(summary.skipped.map((s) => [s.relPath, s.reason]));
    assert.ok(!reasons.has('early.md') && summary.files === 59, 'discovery passes over the FIFO present from the start'); // 60 found; the one replaced by a FIFO is skipped, not indexed
    assert.match(reasons.get('f59.md') ?? 'indexed', /not a regular file/);
    assert.equal((await engine.query('plain text 58'))[0]?.path, 'f58.md');
    assert.ok((await engine.query('plain text 59', { topK: 60 })).every((h) => h.path !== 'f59.md'), 'nothing of the replaced file stays');
  } finally {
    releaseReaders(late);
    releaseReaders(early);
  }
});
