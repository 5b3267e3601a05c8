import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Embedder } from '../../src/core/embed/embedder';
import { embeddingText, Engine } from '../../src/core/engine';
import { StoredChunk } from '../../src/core/store/records';

/**
 * What must hold of an index after any crash: it opens, it answers, and every file it holds is a
 * whole, consistent version of that file — its hash is one the file had (`allowedHashes`), and each of
 * its chunks is exactly the lines it claims of that version.
 */
export async function assertIndexConsistent(
  root: string,
  indexDir: string,
  versions: Map<string, Map<string, string>>,
  /** For an index with vectors: its embedder, and what the vector of a text must be. */
  dense?: { embedder: Embedder; vectorOf: (text: string) => number[] },
): Promise<{ files: number; chunks: number }> {
  const engine = await Engine.open({ folder: root, indexDir, embedder: dense?.embedder });
  assert.equal(engine.rebuildReason, undefined, 'the index on disk was opened, not discarded');
  const status = await engine.status();
  assert.deepEqual(status.errors, [], 'no unreadable shard');
  // Reach into the store through a query per file would be slow; the status and a direct read suffice.
  const store = (engine as unknown as { store: { allFiles(): Iterable<{ record: { path: string; hash: string }; chunks: StoredChunk[] }>; vectors?: { get(id: string): Float32Array | undefined } } }).store;
  let files = 0;
  let chunks = 0;
  for (const entry of store.allFiles()) {
    files++;
    const byHash = versions.get(entry.record.path);
    assert.ok(byHash, `${entry.record.path} is a file of the workspace`);
    const text = byHash.get(entry.record.hash);
    assert.ok(text !== undefined, `${entry.record.path}: its hash is one of the file's versions`);
    const lines = text.split('\n');
    for (const c of entry.chunks) {
      chunks++;
      assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'), `${entry.record.path}:${c.startLine}-${c.endLine} is whole`);
      if (dense) assertSameDirection(store.vectors?.get(c.id), dense.vectorOf(embeddingText(c)), `${entry.record.path}:${c.startLine}: the chunk's own vector`);
    }
  }
  const ranked = await rankings(engine);
  await engine.close();
  assert.deepEqual(ranked, await rebuiltRankings(root, indexDir, dense?.embedder), 'the lexical snapshot (whatever a kill left of it) ranks as a rebuild');
  return { files, chunks };
}

const QUERIES = ['topic3 handler', 'section talks about topic7', 'fn4_1 return', 'version 1 item9', 'handles event'];

async function rankings(engine: Engine): Promise<string[][]> {
  const out: string[][] = [];
  for (const q of QUERIES) out.push((await engine.query(q, { topK: 12 })).map((r) => `${r.path}:${r.startLine} ${r.score}`));
  return out;
}

/** The same index without its lexical snapshot (a copy), so the lexical fields are rebuilt from the shards. */
async function rebuiltRankings(root: string, indexDir: string, embedder: Embedder | undefined): Promise<string[][]> {
  const copy = fs.mkdtempSync(path.join(path.dirname(indexDir), 'rebuilt-'));
  try {
    fs.cpSync(indexDir, copy, { recursive: true });
    for (const name of fs.readdirSync(copy)) if (name.startsWith('shards-')) fs.rmSync(path.join(copy, name, 'lexical.bin'), { force: true });
    const engine = await Engine.open({ folder: root, indexDir: copy, embedder, readOnly: true });
    const ranked = await rankings(engine);
    await engine.close();
    return ranked;
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** Every version each file has had, by content hash (the engine hashes the decoded text). */
export function recordVersions(root: string, versions = new Map<string, Map<string, string>>()): Map<string, Map<string, string>> {
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name === '.grounded') continue;
      if (e.isDirectory()) walk(r);
      else {
        const text = fs.readFileSync(path.join(root, r), 'utf8');
        const hash = crypto.createHash('sha1').update(text).digest('hex');
        if (!versions.has(r)) versions.set(r, new Map());
        versions.get(r)!.set(hash, text);
      }
    }
  };
  walk('');
  return versions;
}

function assertSameDirection(actual: ArrayLike<number> | undefined, expected: number[], what: string): void {
  assert.ok(actual, `${what} is present`);
  const n = Math.hypot(...expected) || 1;
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i] / n) < 1e-5, what);
}
