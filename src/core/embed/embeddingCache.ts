import * as fs from 'fs';
import * as path from 'path';
import { withWriteLock } from '../store/writeLock';

const HASH_BYTES = 20;
const HEADER_BYTES = HASH_BYTES + 4;

/**
 * Vectors by (model, chunk text hash), kept on disk beside the index so that re-indexing unchanged
 * text never calls the endpoint, and switching back to a model reuses what it embedded before
 * (the index itself is rebuilt on a model change; this cache is not).
 *
 * One append-only file a model: records of a 20-byte sha1, a uint32 length and float32 values.
 * A record cut short by a kill is ignored when the file is read, and cut off by the next append.
 * Memory holds only where each record starts (the open index already holds the vectors it uses);
 * a hit reads its record back and checks the hash in it.
 */
export class EmbeddingCache {
  private readonly offsets = new Map<string, number>();
  private readonly pending = new Map<string, Float32Array>();
  /** The end of the last whole record this process has seen. */
  private validBytes = 0;
  private readFd: number | undefined;

  private constructor(readonly file: string) {}

  static async open(dir: string, modelKey: string): Promise<EmbeddingCache> {
    const cache = new EmbeddingCache(path.join(dir, `${modelKey.replace(/[^\w.-]/g, '_')}.bin`));
    await cache.readFrom(0);
    return cache;
  }

  get size(): number {
    return this.offsets.size + this.pending.size;
  }

  get(hash: string): Float32Array | undefined {
    const waiting = this.pending.get(hash);
    if (waiting) return waiting;
    const at = this.offsets.get(hash);
    return at === undefined ? undefined : this.readRecord(hash, at);
  }

  put(hash: string, vector: ArrayLike<number>): void {
    if (this.offsets.has(hash) || this.pending.has(hash) || !/^[0-9a-f]{40}$/.test(hash)) return;
    this.pending.set(hash, Float32Array.from(vector));
  }

  /** Appends what was added since the last call, after whatever another process appended meanwhile. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    await withWriteLock(`${this.file}.lock`, async () => {
      await this.readFrom(this.validBytes);
      const records: Buffer[] = [];
      const starts: [string, number][] = [];
      let at = this.validBytes;
      for (const [hash, vector] of this.pending) {
        if (this.offsets.has(hash)) continue;
        const record = Buffer.alloc(HEADER_BYTES + vector.length * 4);
        Buffer.from(hash, 'hex').copy(record, 0);
        record.writeUInt32LE(vector.length, HASH_BYTES);
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(record, HEADER_BYTES);
        records.push(record);
        starts.push([hash, at]);
        at += record.length;
      }
      const handle = await fs.promises.open(this.file, fs.constants.O_WRONLY | fs.constants.O_CREAT);
      try {
        // Writing at the end of the last whole record drops a torn tail left by a kill.
        await handle.truncate(this.validBytes);
        const data = Buffer.concat(records);
        await handle.write(data, 0, data.length, this.validBytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      for (const [hash, start] of starts) this.offsets.set(hash, start);
      this.validBytes = at;
      this.pending.clear();
    });
  }

  /** Indexes the whole records from `start` to the end of the file. */
  private async readFrom(start: number): Promise<void> {
    let data: Buffer;
    try {
      const handle = await fs.promises.open(this.file, 'r');
      try {
        const size = (await handle.stat()).size;
        data = Buffer.alloc(Math.max(0, size - start));
        await handle.read(data, 0, data.length, start);
      } finally {
        await handle.close();
      }
    } catch {
      return;
    }
    let at = 0;
    while (at + HEADER_BYTES <= data.length) {
      const dims = data.readUInt32LE(at + HASH_BYTES);
      const end = at + HEADER_BYTES + dims * 4;
      if (dims === 0 || dims > 65536 || end > data.length) break;
      this.offsets.set(data.toString('hex', at, at + HASH_BYTES), start + at);
      at = end;
    }
    this.validBytes = start + at;
  }

  private readRecord(hash: string, at: number): Float32Array | undefined {
    try {
      // One descriptor for every hit (a rebuild reads back every chunk's vector); appends and the
      // truncation of a torn tail happen in place, so it keeps seeing the file.
      this.readFd ??= fs.openSync(this.file, 'r');
      const header = Buffer.alloc(HEADER_BYTES);
      if (fs.readSync(this.readFd, header, 0, HEADER_BYTES, at) !== HEADER_BYTES || header.toString('hex', 0, HASH_BYTES) !== hash) return undefined;
      const vector = new Float32Array(header.readUInt32LE(HASH_BYTES));
      const bytes = new Uint8Array(vector.buffer);
      return fs.readSync(this.readFd, bytes, 0, bytes.length, at + HEADER_BYTES) === bytes.length ? vector : undefined;
    } catch {
      this.close();
      return undefined;
    }
  }

  /** Closes the descriptor hits are read through (it is opened again on the next hit). */
  close(): void {
    const fd = this.readFd;
    this.readFd = undefined;
    if (fd !== undefined) fs.close(fd, () => undefined);
  }
}
