import * as fs from 'fs';
import * as path from 'path';

const HASH_BYTES = 20;

/**
 * Vectors by (model, chunk text hash), kept on disk beside the index so that re-indexing unchanged
 * text never calls the endpoint, and switching back to a model reuses what it embedded before
 * (the index itself is rebuilt on a model change; this cache is not).
 *
 * One append-only file a model: records of a 20-byte sha1, a uint32 length and float32 values.
 * A record cut short by a kill is ignored when the file is read, and cut off by the next append.
 */
export class EmbeddingCache {
  private readonly vectors = new Map<string, number[]>();
  private pending: Buffer[] = [];
  private validBytes = 0;

  private constructor(readonly file: string) {}

  static async open(dir: string, modelKey: string): Promise<EmbeddingCache> {
    const cache = new EmbeddingCache(path.join(dir, `${modelKey.replace(/[^\w.-]/g, '_')}.bin`));
    await cache.load();
    return cache;
  }

  get size(): number {
    return this.vectors.size;
  }

  get(hash: string): number[] | undefined {
    return this.vectors.get(hash);
  }

  put(hash: string, vector: number[]): void {
    if (this.vectors.has(hash) || !/^[0-9a-f]{40}$/.test(hash)) return;
    this.vectors.set(hash, vector);
    const record = Buffer.alloc(HASH_BYTES + 4 + vector.length * 4);
    Buffer.from(hash, 'hex').copy(record, 0);
    record.writeUInt32LE(vector.length, HASH_BYTES);
    vector.forEach((x, i) => record.writeFloatLE(x, HASH_BYTES + 4 + i * 4));
    this.pending.push(record);
  }

  /** Appends what was added since the last call. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    const handle = await fs.promises.open(this.file, fs.constants.O_WRONLY | fs.constants.O_CREAT);
    try {
      // Writing at the end of the last whole record drops a torn tail left by a kill.
      await handle.truncate(this.validBytes);
      await handle.write(data, 0, data.length, this.validBytes);
      await handle.sync();
      this.validBytes += data.length;
    } finally {
      await handle.close();
    }
  }

  private async load(): Promise<void> {
    let data: Buffer;
    try {
      data = await fs.promises.readFile(this.file);
    } catch {
      return;
    }
    let at = 0;
    while (at + HASH_BYTES + 4 <= data.length) {
      const dims = data.readUInt32LE(at + HASH_BYTES);
      const end = at + HASH_BYTES + 4 + dims * 4;
      if (dims === 0 || dims > 65536 || end > data.length) break;
      const hash = data.subarray(at, at + HASH_BYTES).toString('hex');
      const vector = new Array<number>(dims);
      for (let i = 0; i < dims; i++) vector[i] = data.readFloatLE(at + HASH_BYTES + 4 + i * 4);
      this.vectors.set(hash, vector);
      at = end;
    }
    this.validBytes = at;
  }
}
