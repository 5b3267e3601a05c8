import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { policyPdf } from '../support/documentSamples';
import { REPO_ROOT, tempDir, writeTree } from '../unit/helpers';

/**
 * The indexing worker as the VSIX ships it: the bundle alone, with no node_modules beside it (so none of
 * pdf.js's optional native packages). It must read a PDF, and print nothing while doing so.
 */
test('the bundled indexing worker, without node_modules, indexes a PDF by page and prints no warnings', () => {
  const shipped = tempDir('grounded-vsix-');
  for (const f of ['indexWorker.js', 'codeChunkWorker.js', 'tree-sitter.wasm']) fs.copyFileSync(path.join(REPO_ROOT, 'dist', f), path.join(shipped, f));
  fs.cpSync(path.join(REPO_ROOT, 'dist/grammars'), path.join(shipped, 'grammars'), { recursive: true });
  const folder = tempDir('grounded-vsix-ws-');
  writeTree(folder, { 'policies/travel.pdf': policyPdf() });
  const client = path.join(REPO_ROOT, 'out/src/core/worker/engineClient.js');
  const script = `
    const { startEngineWorker } = require(${JSON.stringify(client)});
    (async () => {
      const c = startEngineWorker(${JSON.stringify(path.join(shipped, 'indexWorker.js'))}, () => undefined);
      await c.api.open({ folder: ${JSON.stringify(folder)} });
      const summary = await c.api.indexAll();
      const results = await c.api.query('unused tickets refunded', { topK: 1 });
      process.stdout.write(JSON.stringify({ added: summary.added, failed: summary.failed, skipped: summary.skipped, top: results[0] }));
      await c.terminate();
    })().catch((err) => { process.stdout.write(JSON.stringify({ error: String(err) })); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: shipped, timeout: 60_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual([out.added, out.failed, out.skipped], [1, [], []]);
  assert.deepEqual([out.top.path, out.top.page, out.top.title], ['policies/travel.pdf', 2, 'Travel Policy > Refunds']);
  assert.equal(r.stderr, '', 'pdf.js printed nothing');
});
