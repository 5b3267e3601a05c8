/**
 * The vectors of one shard, beside its vectra `index.json`: vectra would keep each vector as a JSON
 * array (about 16 bytes a dimension on disk, 8 in memory, parsed on every open); this file holds them as
 * float32, 4 bytes a dimension, read with one copy.
 *
 * Layout: "GRV1", uint32 dims, uint32 count, uint32 byte length of the ids (a JSON array of strings),
 * the ids, zero padding to a multiple of 4, then count rows of dims float32 values, little-endian.
 */
const MAGIC = 'GRV1';
const HEADER = 16;

export interface DecodedVectors {
  ids: string[];
  dims: number;
  /** Row i belongs to ids[i]. */
  rows: Float32Array;
}

export function encodeVectorFile(ids: readonly string[], dims: number, fill: (id: string, target: Float32Array, offset: number) => void): Buffer {
  const idBytes = Buffer.from(JSON.stringify(ids), 'utf8');
  const rowsAt = align4(HEADER + idBytes.length);
  const out = Buffer.alloc(rowsAt + ids.length * dims * 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(dims, 4);
  out.writeUInt32LE(ids.length, 8);
  out.writeUInt32LE(idBytes.length, 12);
  idBytes.copy(out, HEADER);
  const rows = new Float32Array(out.buffer, out.byteOffset + rowsAt, ids.length * dims);
  ids.forEach((id, i) => fill(id, rows, i * dims));
  return out;
}

/** Throws when the bytes are not a whole vector file of `dims`-dimension rows. */
export function decodeVectorFile(data: Buffer, dims: number): DecodedVectors {
  if (data.length < HEADER || data.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a vector file');
  const fileDims = data.readUInt32LE(4);
  const count = data.readUInt32LE(8);
  const idLength = data.readUInt32LE(12);
  if (fileDims !== dims) throw new Error(`vectors have ${fileDims} dimensions, the index ${dims}`);
  const rowsAt = align4(HEADER + idLength);
  if (data.length !== rowsAt + count * dims * 4) throw new Error('vector file is cut short or too long');
  const ids = JSON.parse(data.toString('utf8', HEADER, HEADER + idLength)) as unknown;
  if (!Array.isArray(ids) || ids.length !== count || !ids.every((x) => typeof x === 'string')) throw new Error('vector file ids are damaged');
  // A copy, aligned for Float32Array whatever the Buffer's offset in its pool.
  const rows = new Float32Array(count * dims);
  new Uint8Array(rows.buffer).set(data.subarray(rowsAt));
  return { ids, dims, rows };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
