/**
 * MCP `search` round trip, warm: the SDK's client spawns `node dist/cli.js mcp <folder>`, waits for the
 * startup check to finish, then times `search` calls end to end (request written, result parsed).
 *
 *   npm run build && npm run compile-tests && node out/bench/mcpLatency.js [--folder DIR]... [--generate 10000] [--calls 100]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { generateWorkspace, queryWords } from './generate';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function option(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => a === `--${name}` && process.argv[i + 1] && out.push(process.argv[i + 1]));
  return out;
}

async function settled(client: Client): Promise<{ files: number; chunks: number; watch: string }> {
  for (;;) {
    const r = (await client.callTool({ name: 'index_status', arguments: {} })) as { content: { text: string }[] };
    const s = JSON.parse(r.content[0].text);
    if (!s.freshness.reconciling && s.freshness.checkedAt) return { files: s.files, chunks: s.chunks, watch: s.freshness.watch };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function measure(folder: string, indexDir: string, calls: number): Promise<void> {
  const indexed = spawnSync(process.execPath, [CLI, 'index', folder, '--index-dir', indexDir], { encoding: 'utf8' });
  if (indexed.status !== 0) throw new Error(indexed.stderr);
  const client = new Client({ name: 'grounded-bench', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', folder, '--index-dir', indexDir], stderr: 'ignore' }));
  try {
    const status = await settled(client);
    const queries = queryWords(calls + 10);
    for (const q of queries.slice(0, 10)) await client.callTool({ name: 'search', arguments: { query: q } });
    const times: number[] = [];
    for (const q of queries.slice(10)) {
      const started = performance.now();
      await client.callTool({ name: 'search', arguments: { query: q, topK: 8 } });
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const ms = (v: number) => v.toFixed(1);
    console.log(`${folder}: ${status.files} files, ${status.chunks} chunks, watch ${status.watch}; search p50 ${ms(percentile(times, 0.5))} ms, p90 ${ms(percentile(times, 0.9))} ms, max ${ms(times[times.length - 1])} ms (${calls} calls)`);
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  const calls = Number(option('calls')[0] ?? 100);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'grounded-mcp-bench-'));
  try {
    const folders = option('folder').map((f) => path.resolve(f));
    for (const n of option('generate').map(Number)) {
      const root = path.join(work, `ws-${n}`);
      generateWorkspace(root, n);
      folders.push(root);
    }
    for (const [i, folder] of folders.entries()) await measure(folder, path.join(work, `index-${i}`), calls);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
