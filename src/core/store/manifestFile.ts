import { errorText } from '../errorText';
import { readPlainSync } from './plainFile';
import { FileRecord, FileSummary } from './records';
import { isSafeRelPath } from './safePath';

/**
 * Every shard's files without their chunks, in one file beside the shards: what opening an index
 * reads instead of parsing every shard. Each shard is listed with the stamp its `index.json` had when
 * the list was taken; a shard whose stamp on disk differs is parsed as before, so the file can lag
 * behind the shards (it is derived data, rewritten once enough shards have moved on) and never
 * stands in for a shard that changed.
 */
const FORMAT = 1;
/** Far more than an index of MAX_SHARD_COUNT full shards needs: a planted file this big is not read. */
const MAX_MANIFEST_BYTES = 512 * 2 ** 20;

export interface ManifestShard {
  stamp: string;
  files: FileSummary[];
}

export interface Manifest {
  layout: string;
  shards: Map<number, ManifestShard>;
}

type Row = [path: string, hash: string, size: number, mtimeMs: number, indexedAt: number, skipped: string, chunks: number, chars: number];

export function encodeManifest(m: Manifest): string {
  const shards = [...m.shards].map(([shard, s]) => [shard, s.stamp, s.files.map(rowOf)]);
  return JSON.stringify({ format: FORMAT, layout: m.layout, shards });
}

function rowOf({ record: r, chunkCount, chars }: FileSummary): Row {
  return [r.path, r.hash, r.size, r.mtimeMs, r.indexedAt, r.skipped ?? '', chunkCount, chars];
}

/** Throws a reason unless the text is a whole manifest of `layout` with every value of its type and every path safe. */
export function decodeManifest(text: string, layout: string, shardCount: number): Manifest {
  const data = JSON.parse(text) as { format?: unknown; layout?: unknown; shards?: unknown };
  if (data?.format !== FORMAT) throw new Error('it is of another format');
  if (data.layout !== layout) throw new Error('it describes another layout of the index');
  if (!Array.isArray(data.shards)) throw new Error('it lists no shards');
  const shards = new Map<number, ManifestShard>();
  const seen = new Set<string>();
  for (const entry of data.shards as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 3) throw new Error('a shard is malformed');
    const [shard, stamp, rows] = entry as [unknown, unknown, unknown];
    if (!Number.isInteger(shard) || (shard as number) < 0 || (shard as number) >= shardCount || shards.has(shard as number)) throw new Error('a shard number is out of range or repeated');
    if (typeof stamp !== 'string' || !Array.isArray(rows)) throw new Error('a shard is malformed');
    const files = rows.map((row: unknown) => summaryOf(row, seen));
    shards.set(shard as number, { stamp, files });
  }
  return { layout, shards };
}

function summaryOf(row: unknown, seen: Set<string>): FileSummary {
  if (!Array.isArray(row) || row.length !== 8) throw new Error('a file entry is malformed');
  const [p, hash, size, mtimeMs, indexedAt, skipped, chunkCount, chars] = row as unknown[];
  if (typeof p !== 'string' || !isSafeRelPath(p) || seen.has(p)) throw new Error('a file entry has an invalid or repeated path');
  seen.add(p);
  if (typeof hash !== 'string' || !isCount(size) || !isFiniteNumber(mtimeMs) || !isFiniteNumber(indexedAt) || typeof skipped !== 'string') throw new Error(`the entry of ${p} is malformed`);
  if (!isCount(chunkCount) || !isCount(chars) || (skipped !== '' && chunkCount > 0)) throw new Error(`the entry of ${p} is malformed`);
  const record: FileRecord = { path: p, hash, size, mtimeMs, indexedAt, ...(skipped ? { skipped } : {}) };
  return { record, chunkCount, chars };
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * The manifest in `file`, or undefined (with one warning unless there is none): read only from a plain
 * file of a sane size, never through a link planted in a committed index folder.
 */
export async function readManifest(file: string, layout: string, shardCount: number, log: (reason: string) => void): Promise<Manifest | undefined> {
  try {
    return decodeManifest(readPlainSync(file, MAX_MANIFEST_BYTES).toString('utf8'), layout, shardCount);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ELOOP' ? 'it is not a plain file' : errorText(err);
    if (code !== 'ENOENT') log(`the file list ${file} is not used (${reason}); every shard is read`);
    return undefined;
  }
}
