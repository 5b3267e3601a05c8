import * as fs from 'fs';
import * as path from 'path';
import { writeFileAtomic } from './atomicWrite';
import { IndexIdentity, identityKey } from './identity';

/** 2: vectors moved out of vectra's JSON into a float32 file beside each shard. */
export const FORMAT = 2;
export const META_FILE = 'grounded.json';
/** Shard folders are named by three hex digits, so a layout has at most this many. */
export const MAX_SHARD_COUNT = 4096;

export interface StoreMeta {
  format: number;
  identity: IndexIdentity;
  shardCount: number;
  /** Folder (under the index dir) holding this identity's shards: vectors of two models never share one. */
  shardsDir: string;
  createdAt: string;
  updatedAt: string;
}

/** What `grounded.json` holds: nothing, a meta file of an older format, a valid one, or damage. */
export type MetaRead =
  | { kind: 'missing' }
  | { kind: 'ok'; meta: StoreMeta }
  | { kind: 'outdated'; format: number; identity?: IndexIdentity }
  | { kind: 'damaged'; reason: string };

/** The shards folder an identity's index lives in: derived, never read from disk. */
export function shardsDirFor(identity: IndexIdentity): string {
  return `shards-${identityKey(identity)}`;
}

export const SHARDS_DIR_NAME = /^shards-[0-9a-f]{12}$/;

export async function readMeta(dir: string): Promise<MetaRead> {
  let text: string;
  try {
    text = await fs.promises.readFile(path.join(dir, META_FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { kind: 'missing' } : { kind: 'damaged', reason: `${META_FILE} cannot be read (${code ?? err})` };
  }
  return parseMeta(text);
}

/**
 * A meta file is untrusted input (a repository can ship one): every field is checked, and the shards
 * folder must be the one its identity names, so no value in it can point a write or a delete elsewhere.
 */
function parseMeta(text: string): MetaRead {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'damaged', reason: `${META_FILE} is not valid JSON` };
  }
  if (!isObject(raw)) return { kind: 'damaged', reason: `${META_FILE} is not a JSON object` };
  const identity = parseIdentity(raw.identity);
  if (!Number.isInteger(raw.format)) return { kind: 'damaged', reason: `${META_FILE} has no format number` };
  if (raw.format !== FORMAT) return { kind: 'outdated', format: raw.format as number, identity };
  if (!identity) return { kind: 'damaged', reason: `${META_FILE} has no valid identity` };
  const shardCount = raw.shardCount;
  if (!isPowerOfTwo(shardCount) || shardCount > MAX_SHARD_COUNT) return { kind: 'damaged', reason: `${META_FILE} has an invalid shard count` };
  if (raw.shardsDir !== shardsDirFor(identity)) return { kind: 'damaged', reason: `${META_FILE} names a shards folder that is not its identity's` };
  const createdAt = validDate(raw.createdAt);
  const updatedAt = validDate(raw.updatedAt);
  if (!createdAt || !updatedAt) return { kind: 'damaged', reason: `${META_FILE} has invalid dates` };
  return { kind: 'ok', meta: { format: FORMAT, identity, shardCount, shardsDir: shardsDirFor(identity), createdAt, updatedAt } };
}

export function writeMeta(dir: string, meta: StoreMeta): Promise<void> {
  return writeFileAtomic(path.join(dir, META_FILE), JSON.stringify(meta, null, 2));
}

export function newMeta(identity: IndexIdentity, shardCount: number): StoreMeta {
  const now = new Date().toISOString();
  return { format: FORMAT, identity, shardCount, shardsDir: shardsDirFor(identity), createdAt: now, updatedAt: now };
}

function parseIdentity(v: unknown): IndexIdentity | undefined {
  if (!isObject(v)) return undefined;
  const { provider, model, dimensions, chunkerVersion } = v;
  if (typeof provider !== 'string' || !provider || provider.length > 100) return undefined;
  if (typeof model !== 'string' || !model || model.length > 300) return undefined;
  if (!Number.isInteger(dimensions) || (dimensions as number) < 0 || (dimensions as number) > 65_536) return undefined;
  if (!Number.isInteger(chunkerVersion) || (chunkerVersion as number) < 0) return undefined;
  return { provider, model, dimensions: dimensions as number, chunkerVersion: chunkerVersion as number };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPowerOfTwo(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= 1 && ((n as number) & ((n as number) - 1)) === 0;
}

/** An ISO timestamp as written by Grounded; anything else (markup, links) is rejected. */
function validDate(v: unknown): string | undefined {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v)) return undefined;
  return Number.isNaN(Date.parse(v)) ? undefined : v;
}
