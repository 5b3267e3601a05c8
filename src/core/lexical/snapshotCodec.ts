import * as fs from 'fs';
import * as os from 'os';
import { openPlainSync } from '../store/plainFile';
import { runAtOnce, Steps } from '../steps';
import { Bm25State } from './bm25Index';
import { LexicalState } from './lexicalState';

/**
 * The lexical snapshot's bytes: a magic, a format number, a JSON header (what the snapshot describes,
 * and the size of each section), a checksum of everything after it, then the state's arrays as raw
 * little-endian typed arrays and `\0`-joined UTF-8 string lists, each section 4-byte aligned, in a fixed
 * order. Decoding checks every length against the file before making a view; the arrays' contents are
 * checked by `checkLexicalState`.
 */
const MAGIC = 'GRLX';
/** Bump when the layout of the bytes changes. */
export const SNAPSHOT_FORMAT = 1;
const PREFIX = 16;

/** What a snapshot says it matches: the lexical analysis and store layout it was made with, and each store part's stamp. */
export interface SnapshotHeader {
  analysis: string;
  layout: string;
  stamps: [number, string][];
  /** The chunks file written with it (see chunkTexts.ts), when there is one. */
  chunks?: { token: string; count: number };
}

type Section = ['str', string[]] | ['u32', Uint32Array] | ['u16', Uint16Array];

function sectionsOf(s: LexicalState): Section[] {
  const field = (f: Bm25State): Section[] => [['str', f.terms], ['u32', f.counts], ['u32', f.slots], ['u16', f.tfs], ['u32', f.lengths]];
  const t = s.table;
  return [
    ...[s.body, s.titles, s.files, s.paths].flatMap(field),
    ['str', s.symbols.names], ['u32', s.symbols.counts], ['u32', s.symbols.slots],
    ['str', t.paths], ['u32', t.fileSlots], ['u32', t.chunkCounts], ['u32', t.chunkSlots], ['str', t.chunkIds],
  ];
}

export function encodeSnapshot(header: SnapshotHeader, state: LexicalState): Buffer {
  return runAtOnce(encodeSteps(header, state));
}

/** The encoding in steps of a few milliseconds (see steps.ts): a section, a few MB copied or checksummed at a time. */
export function* encodeSteps(header: SnapshotHeader, state: LexicalState): Steps<Buffer> {
  if (os.endianness() !== 'LE') throw new Error('lexical snapshots are written on little-endian machines only');
  const bodies: Buffer[] = [];
  for (const [kind, v] of sectionsOf(state)) {
    bodies.push(kind === 'str' ? Buffer.from(v.join('\0'), 'utf8') : Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    yield;
  }
  const counts = sectionsOf(state).map(([, v]) => v.length);
  const json = Buffer.from(JSON.stringify({ ...header, sections: bodies.map((b, i) => [counts[i], b.length]) }), 'utf8');
  const parts: Buffer[] = [Buffer.alloc(PREFIX), json, Buffer.alloc(pad(json.length))];
  for (const b of bodies) parts.push(b, Buffer.alloc(pad(b.length)));
  // Not Buffer.concat: a pooled buffer may start off a 4-byte boundary, and the checksum reads words.
  const out = Buffer.alloc(parts.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of parts) {
    for (let from = 0; from < b.length; from += STEP_BYTES) {
      offset += b.copy(out, offset, from, Math.min(b.length, from + STEP_BYTES));
      yield;
    }
  }
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(SNAPSHOT_FORMAT, 4);
  out.writeUInt32LE(json.length, 8);
  out.writeUInt32LE(yield* checksumSteps(out, PREFIX), 12);
  return out;
}

/** Bytes copied or checksummed in one step. */
const STEP_BYTES = 8 * 2 ** 20;

/** The header and state of a snapshot's bytes; throws a reason when they are not a whole snapshot of this format. */
export function decodeSnapshot(data: Buffer): { header: SnapshotHeader; state: LexicalState } {
  if (data.length < PREFIX || data.toString('latin1', 0, 4) !== MAGIC) throw new Error('it is not a lexical snapshot');
  if (data.readUInt32LE(4) !== SNAPSHOT_FORMAT) throw new Error(`its format ${data.readUInt32LE(4)} is not ${SNAPSHOT_FORMAT}`);
  if (os.endianness() !== 'LE') throw new Error('this machine is not little-endian');
  // Typed-array views need 4-byte alignment within the buffer (a pooled Buffer may not have it).
  const buf = data.byteOffset % 4 === 0 ? data : aligned(data);
  if (buf.length % 4 !== 0 || checksum(buf, PREFIX) !== buf.readUInt32LE(12)) throw new Error('its checksum does not match (truncated or damaged)');
  const jsonLength = buf.readUInt32LE(8);
  if (PREFIX + jsonLength > buf.length) throw new Error('its header is cut off');
  const raw = parseHeader(buf.toString('utf8', PREFIX, PREFIX + jsonLength));
  let at = PREFIX + jsonLength + pad(jsonLength);
  const next = (kind: 'str' | 'u32' | 'u16'): string[] & Uint32Array & Uint16Array => {
    const [count, bytes] = raw.sections.shift() ?? [-1, -1];
    const value = sectionAt(buf, at, kind, count, bytes);
    at += bytes + pad(bytes);
    return value as string[] & Uint32Array & Uint16Array;
  };
  const field = (): Bm25State => ({ terms: next('str'), counts: next('u32'), slots: next('u32'), tfs: next('u16'), lengths: next('u32') });
  const [body, titles, files, paths] = [field(), field(), field(), field()];
  const symbols = { names: next('str'), counts: next('u32'), slots: next('u32') };
  const table = { paths: next('str'), fileSlots: next('u32'), chunkCounts: next('u32'), chunkSlots: next('u32'), chunkIds: next('str') };
  if (raw.sections.length !== 0 || at !== buf.length) throw new Error('its sections do not fill the file');
  return { header: { analysis: raw.analysis, layout: raw.layout, stamps: raw.stamps, ...(raw.chunks ? { chunks: raw.chunks } : {}) }, state: { body, titles, files, paths, symbols, table } };
}

/**
 * Only the header of the snapshot in `file` (what it matches), without reading its sections; undefined
 * when there is no readable header there. Not checksummed: it only decides whether to rewrite the file.
 */
export function readSnapshotHeader(file: string): SnapshotHeader | undefined {
  let fd: number | undefined;
  try {
    fd = openPlainSync(file);
    const prefix = Buffer.alloc(PREFIX);
    if (fs.readSync(fd, prefix, 0, PREFIX, 0) !== PREFIX || prefix.toString('latin1', 0, 4) !== MAGIC || prefix.readUInt32LE(4) !== SNAPSHOT_FORMAT) return undefined;
    const length = prefix.readUInt32LE(8);
    if (length > MAX_HEADER_BYTES) return undefined;
    const json = Buffer.alloc(length);
    if (fs.readSync(fd, json, 0, length, PREFIX) !== length) return undefined;
    const { analysis, layout, stamps } = parseHeader(json.toString('utf8'));
    return { analysis, layout, stamps };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** A header (the stamps of up to 4,096 shards) is far smaller. */
const MAX_HEADER_BYTES = 16 * 2 ** 20;

function sectionAt(buf: Buffer, at: number, kind: 'str' | 'u32' | 'u16', count: number, bytes: number): string[] | Uint32Array | Uint16Array {
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(bytes) || count < 0 || bytes < 0 || at + bytes > buf.length) throw new Error('a section lies outside the file');
  if (kind === 'str') {
    const list = count === 0 ? [] : buf.toString('utf8', at, at + bytes).split('\0');
    if (list.length !== count || (count === 0 && bytes !== 0)) throw new Error('a string list has another length than its header says');
    return list;
  }
  const width = kind === 'u32' ? 4 : 2;
  if (bytes !== count * width) throw new Error('an array has another length than its header says');
  return kind === 'u32' ? new Uint32Array(buf.buffer, buf.byteOffset + at, count) : new Uint16Array(buf.buffer, buf.byteOffset + at, count);
}

function parseHeader(text: string): SnapshotHeader & { sections: [number, number][] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('its header is not JSON');
  }
  const h = raw as Record<string, unknown>;
  const pairs = (v: unknown, ok: (p: unknown[]) => boolean) => Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && ok(p));
  if (!h || typeof h !== 'object' || typeof h.analysis !== 'string' || typeof h.layout !== 'string') throw new Error('its header is malformed');
  if (!pairs(h.stamps, ([s, t]) => Number.isInteger(s) && typeof t === 'string')) throw new Error('its header has malformed stamps');
  if (!pairs(h.sections, ([c, b]) => Number.isInteger(c) && Number.isInteger(b))) throw new Error('its header has malformed sections');
  const chunks = h.chunks as { token?: unknown; count?: unknown } | undefined;
  if (chunks !== undefined && (typeof chunks?.token !== 'string' || !/^[0-9a-f]{32}$/.test(chunks.token) || !Number.isSafeInteger(chunks.count))) throw new Error('its header names its chunks file wrongly');
  return h as unknown as SnapshotHeader & { sections: [number, number][] };
}

function aligned(data: Buffer): Buffer {
  const copy = Buffer.alloc(data.length);
  data.copy(copy);
  return copy;
}

function pad(n: number): number {
  return (4 - (n % 4)) % 4;
}

/** A fast 32-bit hash of the 4-byte words from `from` on: catches a torn or damaged file, not a forged one. */
function checksum(buf: Buffer, from: number): number {
  return runAtOnce(checksumSteps(buf, from));
}

function* checksumSteps(buf: Buffer, from: number): Steps<number> {
  const words = new Uint32Array(buf.buffer, buf.byteOffset + from, (buf.length - from) >> 2);
  let h = 0x811c9dc5 ^ words.length;
  for (let i = 0; i < words.length; i++) {
    h = Math.imul(h ^ words[i], 0x01000193);
    h ^= h >>> 15;
    if ((i & 0x3fffff) === 0x3fffff) yield;
  }
  return h >>> 0;
}
