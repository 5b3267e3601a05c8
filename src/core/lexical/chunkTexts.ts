import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomicWith } from '../store/atomicWrite';
import { removeDeadTempFiles } from '../store/indexFolder';
import { openPlainSync } from '../store/plainFile';
import { isSafeRelPath } from '../store/safePath';
import { sha1 } from '../store/identity';
import { chunkId, StoredChunk } from '../store/records';
import { indexingTurn } from '../turnBudget';

/**
 * The chunks a lexical snapshot describes, in its table's order, in one file beside it: a question
 * reads the few chunks it shows from here at an offset (microseconds), instead of parsing the shard
 * each is stored in (a shard holds a hundred chunks). Derived data, written with the snapshot and paired
 * to it by a token in both headers; every chunk read is checked against the id and path the snapshot
 * expects, so a damaged or planted file can only make a chunk fall back to its shard.
 *
 * Layout: "GRCT", uint32 format, 16-byte token, uint32 count, uint32 0, float64 offset of the offset
 * table; then each chunk as a UTF-8 JSON array, in any order; then count pairs of float64 (chunk i
 * is bytes [table[2i], table[2i + 1]]).
 */
const MAGIC = 'GRCT';
const FORMAT = 1;
const HEADER = 40;
/** A chunk longer than this is not a chunk Grounded wrote (chunks are a few KB): not read. */
const MAX_CHUNK_BYTES = 8 * 2 ** 20;

export interface ChunkTextsRef {
  token: string;
  count: number;
}

type Row = [id: string, path: string, startLine: number, endLine: number, language: string, kind: string, title: string, text: string, hash: string, page: number | null, cell: number | null];

function rowOf(c: StoredChunk): Row {
  return [c.id, c.path, c.startLine, c.endLine, c.language, c.kind, c.title, c.text, c.hash, c.page ?? null, c.cell ?? null];
}

/** A run of chunks of the table, from position `first` on, read when their turn comes (maybe from disk). */
export interface ChunkRun {
  first: number;
  chunks: () => (StoredChunk | undefined)[];
}

/**
 * Writes the `count` chunks of the table to `file` atomically, run by run in the order given (the
 * offsets put each at its position, so runs can come in the order they are cheapest to read), a batch
 * at a time with turns of the event loop between. Returns the pairing, or undefined when a chunk
 * could not be had or a position was left out.
 */
export async function writeChunkTexts(file: string, count: number, runs: Iterable<ChunkRun>): Promise<ChunkTextsRef | undefined> {
  const token = randomBytes(16).toString('hex');
  await removeDeadTempFiles(path.dirname(file));
  const written = await writeFileAtomicWith(file, async (handle) => {
    // Start and end of each chunk; a position never filled keeps NaN and fails the check below.
    const spans = new Float64Array(2 * count).fill(NaN);
    let at = HEADER;
    let batch: Buffer[] = [];
    const write = async () => {
      const bytes = Buffer.concat(batch);
      await handle.write(bytes, 0, bytes.length, at - bytes.length);
      batch = [];
      await indexingTurn();
    };
    for (const run of runs) {
      for (const [k, chunk] of run.chunks().entries()) {
        const i = run.first + k;
        if (!chunk || !(i < count) || !Number.isNaN(spans[2 * i])) return false;
        const bytes = Buffer.from(JSON.stringify(rowOf(chunk)), 'utf8');
        spans[2 * i] = at;
        spans[2 * i + 1] = at += bytes.length;
        batch.push(bytes);
      }
      if (batch.length >= 512) await write();
    }
    if (batch.length) await write();
    if (spans.some(Number.isNaN)) return false;
    await handle.write(Buffer.from(spans.buffer), 0, spans.byteLength, at);
    await handle.write(headerOf(token, count, at), 0, HEADER, 0);
    return true;
  });
  return written ? { token, count } : undefined;
}

function headerOf(token: string, count: number, tableAt: number): Buffer {
  const h = Buffer.alloc(HEADER);
  h.write(MAGIC, 0, 'latin1');
  h.writeUInt32LE(FORMAT, 4);
  Buffer.from(token, 'hex').copy(h, 8);
  h.writeUInt32LE(count, 24);
  h.writeDoubleLE(tableAt, 32);
  return h;
}

/**
 * A chunks file, read at offsets. The file is opened when a question first reads it and closed as soon
 * as that stretch of reading is over: nothing in the index folder stays open between questions (a
 * held file would keep a drive from being unmounted or a folder from being removed). Each opening
 * checks the token again: a file another writer replaced since is not used (chunks then come from their
 * shards), and `adopt` moves to the file this process wrote.
 */
export class ChunkTexts {
  private fd: number | undefined;
  private broken = false;

  private constructor(
    private readonly file: string,
    private readonly ref: ChunkTextsRef,
    /** Start and end of each chunk, in pairs. */
    private readonly spans: Float64Array,
  ) {}

  /** The file paired with `ref`, or a reason it cannot be used. Only a plain file is opened (never a link or a FIFO). */
  static open(file: string, ref: ChunkTextsRef): ChunkTexts | string {
    let fd: number | undefined;
    try {
      fd = openPlainSync(file);
      return new ChunkTexts(file, ref, readSpans(fd, fs.fstatSync(fd).size, ref));
    } catch (err) {
      return (err as Error).message;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /**
   * Chunk `i` as written, when it is the chunk the snapshot expects there: `id`, of `path`, the
   * `ordinal`-th of its file; the id is derived from the text, so a changed text is refused too.
   */
  read(i: number, id: string, expectedPath: string, ordinal: number): StoredChunk | undefined {
    if (!(Number.isInteger(i) && i >= 0 && 2 * i + 1 < this.spans.length)) return undefined;
    const fd = this.handle();
    if (fd === undefined) return undefined;
    const from = this.spans[2 * i];
    const length = this.spans[2 * i + 1] - from;
    try {
      const buf = Buffer.allocUnsafe(length);
      if (fs.readSync(fd, buf, 0, length, from) !== length) return undefined;
      return chunkOf(JSON.parse(buf.toString('utf8')) as unknown, id, expectedPath, ordinal);
    } catch {
      return undefined;
    }
  }

  private handle(): number | undefined {
    if (this.fd !== undefined || this.broken) return this.fd;
    try {
      const fd = openPlainSync(this.file);
      const h = Buffer.alloc(HEADER);
      if (fs.readSync(fd, h, 0, HEADER, 0) !== HEADER || h.toString('hex', 8, 24) !== this.ref.token) {
        fs.closeSync(fd);
        this.broken = true;
        return undefined;
      }
      this.fd = fd;
      // Closed once the reads of this synchronous stretch (one ranking, one collapse) are done.
      queueMicrotask(() => this.close());
      return fd;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function readSpans(fd: number, size: number, ref: ChunkTextsRef): Float64Array {
  const h = Buffer.alloc(HEADER);
  if (fs.readSync(fd, h, 0, HEADER, 0) !== HEADER || h.toString('latin1', 0, 4) !== MAGIC || h.readUInt32LE(4) !== FORMAT) throw new Error('it is not a chunks file of this format');
  if (h.toString('hex', 8, 24) !== ref.token || h.readUInt32LE(24) !== ref.count) throw new Error('it belongs to another snapshot');
  const tableAt = h.readDoubleLE(32);
  const bytes = ref.count * 16;
  if (!Number.isSafeInteger(tableAt) || tableAt < HEADER || tableAt + bytes !== size) throw new Error('its offset table is not where its header says');
  const spans = new Float64Array(2 * ref.count);
  if (fs.readSync(fd, new Uint8Array(spans.buffer), 0, bytes, tableAt) !== bytes) throw new Error('its offset table is cut short');
  for (let i = 0; i < ref.count; i++) {
    const [from, to] = [spans[2 * i], spans[2 * i + 1]];
    if (!(from >= HEADER && to > from && to <= tableAt && to - from <= MAX_CHUNK_BYTES)) throw new Error('its offsets are out of range');
  }
  return spans;
}

/** A row read back, checked field by field (the file is untrusted input). */
function chunkOf(row: unknown, id: string, expectedPath: string, ordinal: number): StoredChunk | undefined {
  if (!Array.isArray(row) || row.length !== 11) return undefined;
  const [rid, p, startLine, endLine, language, kind, title, text, hash, page, cell] = row as unknown[];
  if (rid !== id || p !== expectedPath || !isSafeRelPath(expectedPath)) return undefined;
  if (!isCount(startLine) || !isCount(endLine) || endLine < startLine) return undefined;
  if (typeof language !== 'string' || typeof title !== 'string' || typeof text !== 'string' || typeof hash !== 'string') return undefined;
  if (sha1(text) !== hash || chunkId(expectedPath, ordinal, startLine, hash) !== id) return undefined;
  const positive = (v: unknown) => (Number.isSafeInteger(v) && (v as number) > 0 ? (v as number) : undefined);
  const [pg, cl] = [positive(page), positive(cell)];
  return { id, path: expectedPath, startLine, endLine, language, kind: kind === 'doc' ? 'doc' : 'code', title, text, hash, ...(pg ? { page: pg } : {}), ...(cl ? { cell: cl } : {}) };
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}
