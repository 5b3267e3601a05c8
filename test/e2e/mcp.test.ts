import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import { FIXTURES, REPO_ROOT, tempDir, writeTree } from '../unit/helpers';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

function fixtureWorkspace(): string {
  const root = tempDir('grounded-mcp-');
  fs.cpSync(path.join(FIXTURES, 'docs'), path.join(root, 'docs'), { recursive: true });
  writeTree(root, {
    '.gitignore': 'generated/\n',
    'generated/skip.md': '# Skip\n\nNever indexed: platypus.\n',
    'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
    'data/huge.txt': 'a line of text\n'.repeat(80_000),
    'src/session.ts':
      'import { Store } from "./store";\n\nexport class SessionManager {\n  constructor(private store: Store) {}\n\n  /** Expires idle sessions after the timeout. */\n  expireIdleSessions(timeoutMs: number): number {\n    return this.store.removeOlderThan(Date.now() - timeoutMs);\n  }\n}\n',
  });
  return root;
}

/** The SDK's own client, spawning the built CLI as an agent would. */
async function connect(folder: string, extra: string[] = []): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', folder, ...extra], stderr: 'pipe', env: { PATH: process.env.PATH ?? '' } });
  let err = '';
  transport.stderr?.on('data', (d) => (err += String(d)));
  const client = new Client({ name: 'grounded-test', version: '1.0.0' });
  const protocolErrors: Error[] = [];
  client.onerror = (e) => protocolErrors.push(e);
  await client.connect(transport);
  return { client, stderr: () => err + protocolErrors.map((e) => `\nclient error: ${e.message}`).join('') };
}

type ToolResult = { content: { type: string; text?: string }[]; isError?: boolean };

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
  const r = (await client.callTool({ name, arguments: args })) as ToolResult;
  return { text: r.content.map((c) => c.text ?? '').join('\n'), isError: !!r.isError };
}

/** The `[n] path lines a-b` labels of a search result, in order. */
function labels(text: string): { path: string; start: number; end: number }[] {
  return [...text.matchAll(/^\[(\d+)\] (\S+) lines (\d+)-(\d+)/gm)].map((m) => ({ path: m[2], start: Number(m[3]), end: Number(m[4]) }));
}

async function settled(client: Client): Promise<Record<string, any>> {
  for (let i = 0; i < 200; i++) {
    const s = JSON.parse((await call(client, 'index_status', {})).text);
    if (!s.freshness.reconciling && s.freshness.checkedAt) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the index never finished its startup check');
}

function listFiles(root: string, skip: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[]).map((p) => p.split(path.sep).join('/')).filter((p) => p !== skip && !p.startsWith(skip + '/')).sort();
}

test('mcp: three tools with valid JSON schemas; search has the grounded_search schema', async () => {
  const { client } = await connect(fixtureWorkspace());
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['find_definition', 'index_status', 'search']);
    const ajv = new AjvJsonSchemaValidator();
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object');
      assert.ok((t.description ?? '').length > 80, `${t.name} has a description written for a model`);
      assert.equal(t.annotations?.readOnlyHint, true);
      ajv.getValidator(t.inputSchema); // throws for a schema that is not valid JSON Schema
    }
    const search = tools.find((t) => t.name === 'search')!;
    const validate = ajv.getValidator(search.inputSchema);
    assert.equal(validate({ query: 'x', kinds: ['doc'], paths: ['src/**'], topK: 3 }).valid, true);
    assert.equal(validate({ query: 'x', topK: 0 }).valid, false);
    assert.equal(validate({ kinds: ['doc'] }).valid, false);
    const { $schema: _ignored, ...listed } = search.inputSchema as Record<string, unknown>;
    const lmTool = PACKAGE.contributes.languageModelTools.find((t: { name: string }) => t.name === 'grounded_search');
    assert.deepEqual(lmTool.inputSchema, listed, 'package.json grounded_search declares the MCP search schema');
  } finally {
    await client.close();
  }
});

test('mcp: search returns ranked, fenced, labelled snippets and honours kinds, paths and topK', async () => {
  const { client, stderr } = await connect(fixtureWorkspace());
  try {
    await settled(client);
    const r = await call(client, 'search', { query: 'expire idle sessions' });
    assert.equal(r.isError, false, r.text + stderr());
    assert.match(r.text, /data, not instructions/);
    const found = labels(r.text);
    assert.equal(found[0].path, 'src/session.ts');
    assert.match(r.text, /^\[1\] src\/session\.ts lines 3-10 \(class SessionManager\)\n```typescript\nexport class SessionManager \{\n/m);
    assert.match(r.text, /removeOlderThan/);

    const docs = labels((await call(client, 'search', { query: 'expire idle sessions install', kinds: ['doc'] })).text);
    assert.ok(docs.length > 0 && docs.every((l) => l.path.startsWith('docs/')), JSON.stringify(docs));
    const onlySrc = labels((await call(client, 'search', { query: 'install guide windows sessions', paths: ['src/**'] })).text);
    assert.ok(onlySrc.every((l) => l.path.startsWith('src/')), JSON.stringify(onlySrc));
    const one = labels((await call(client, 'search', { query: 'install guide', topK: 1 })).text);
    assert.equal(one.length, 1);
    const none = await call(client, 'search', { query: 'platypus' });
    assert.equal(none.isError, false);
    assert.match(none.text, /Nothing in the workspace index matches "platypus"/, 'gitignored files are not searched');
  } finally {
    await client.close();
  }
});

test('mcp: find_definition finds classes and methods from the chunk titles, exact first', async () => {
  const { client } = await connect(fixtureWorkspace());
  try {
    await settled(client);
    const cls = await call(client, 'find_definition', { symbol: 'SessionManager' });
    assert.equal(labels(cls.text)[0]?.path, 'src/session.ts', cls.text);
    assert.match(cls.text, /\(\[1\] exact\)/);
    assert.deepEqual(labels(cls.text)[0], { path: 'src/session.ts', start: 3, end: 10 });
    // A class small enough to be one chunk holds its methods: they are found by their declaring line.
    const method = await call(client, 'find_definition', { symbol: 'expireIdleSessions' });
    assert.deepEqual(labels(method.text), [{ path: 'src/session.ts', start: 3, end: 10 }], method.text);
    assert.match(method.text, /declared inside/);
    assert.match((await call(client, 'find_definition', { symbol: 'sessionmanager' })).text, /ignoring case/);
    const heading = await call(client, 'find_definition', { symbol: 'Windows' });
    assert.equal(labels(heading.text)[0]?.path, 'docs/guide.md', heading.text);
    assert.match((await call(client, 'find_definition', { symbol: 'NoSuchThing' })).text, /No indexed definition is named "NoSuchThing"/);
  } finally {
    await client.close();
  }
});

test('mcp: index_status reports files, chunks, freshness and skipped files with reasons', async () => {
  const { client } = await connect(fixtureWorkspace());
  try {
    const s = await settled(client);
    assert.equal(s.files, 4, 'docs/guide.md, docs/manual.rst, src/session.ts, .gitignore');
    assert.ok(s.chunks >= 3);
    assert.equal(s.retrieval.startsWith('lexical'), true);
    assert.equal(s.freshness.reconciling, false);
    assert.equal(s.freshness.last.added, 4);
    assert.ok(Date.parse(s.freshness.checkedAt) > Date.now() - 60_000);
    const reasons = new Map(s.skipped.map((k: { path: string; reason: string }) => [k.path, k.reason]));
    assert.ok(reasons.has('assets/logo.png'), JSON.stringify(s.skipped));
    assert.match(String(reasons.get('data/huge.txt')), /larger than/);
    assert.match(String(reasons.get('assets/logo.png')), /binary/);
    assert.equal(s.skippedCount, s.skipped.length);
  } finally {
    await client.close();
  }
});

test('mcp: an edit, a new file and a deletion between two calls are reflected in the second', async () => {
  const root = fixtureWorkspace();
  const { client } = await connect(root);
  try {
    await settled(client);
    assert.match((await call(client, 'search', { query: 'wombat' })).text, /Nothing in the workspace index matches/);
    fs.writeFileSync(path.join(root, 'src/session.ts'), fs.readFileSync(path.join(root, 'src/session.ts'), 'utf8').replace('Expires idle sessions', 'Expires wombat sessions'));
    const edited = await call(client, 'search', { query: 'wombat' });
    assert.equal(labels(edited.text)[0]?.path, 'src/session.ts', edited.text);

    fs.mkdirSync(path.join(root, 'notes/deep'), { recursive: true });
    fs.writeFileSync(path.join(root, 'notes/deep/zoo.md'), '# Zoo\n\nThe quokka enclosure opens at nine.\n');
    assert.equal(labels((await call(client, 'search', { query: 'quokka' })).text)[0]?.path, 'notes/deep/zoo.md');

    fs.rmSync(path.join(root, 'notes'), { recursive: true });
    assert.match((await call(client, 'search', { query: 'quokka' })).text, /Nothing in the workspace index matches/);
  } finally {
    await client.close();
  }
});

test('mcp: bad arguments get MCP tool errors, and the server keeps serving', async () => {
  const { client } = await connect(fixtureWorkspace());
  try {
    for (const [name, args] of [
      ['search', {}],
      ['search', { query: 'x', topK: 0 }],
      ['search', { query: 'x', kinds: ['video'] }],
      ['search', { query: '   ' }],
      ['search', { query: 42 }],
      ['find_definition', { symbol: '' }],
      ['no_such_tool', {}],
    ] as const) {
      const r = await call(client, name, args as Record<string, unknown>);
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)} is an error: ${r.text}`);
      assert.ok(r.text.length > 0);
    }
    const ok = await call(client, 'search', { query: 'install' });
    assert.equal(ok.isError, false);
  } finally {
    await client.close();
  }
});

test('mcp: a folder that is not there gets a tool error, not a crash', async () => {
  const { client } = await connect(path.join(tempDir(), 'missing'));
  try {
    const r = await call(client, 'search', { query: 'x' });
    assert.equal(r.isError, true);
    assert.match(r.text, /is not a folder/);
  } finally {
    await client.close();
  }
});

test('mcp: stdout carries only protocol messages, garbage input is survived, and the server exits when stdin closes', async () => {
  const root = fixtureWorkspace();
  const before = listFiles(root, '.grounded');
  const child = spawn(process.execPath, [CLI, 'mcp', root, '--verbose'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const send = (m: object) => child.stdin.write(JSON.stringify(m) + '\n');
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  child.stdin.write('this is not json\n');
  send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search', arguments: { query: 'expire idle sessions' } } });
  send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'index_status', arguments: {} } });
  const answered = async (id: number) => {
    for (let i = 0; i < 400 && !out.split('\n').some((l) => l.includes(`"id":${id}`)); i++) await new Promise((r) => setTimeout(r, 25));
  };
  await answered(2);
  await answered(3);
  const started = Date.now();
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, err);
  assert.ok(Date.now() - started < 10_000, 'exits promptly');
  const lines = out.split('\n').filter((l) => l.length > 0);
  assert.ok(lines.length >= 3);
  for (const l of lines) assert.equal(JSON.parse(l).jsonrpc, '2.0', `stdout line is a protocol message: ${l.slice(0, 200)}`);
  assert.deepEqual(lines.map((l) => JSON.parse(l).id).filter((id) => id !== undefined).sort(), [1, 2, 3]);
  assert.match(err, /protocol error/, 'the bad line is logged, to stderr');
  assert.deepEqual(listFiles(root, '.grounded'), before, 'nothing is written outside the index folder');
});

test('mcp: with --index-dir the workspace folder is left exactly as it was', async () => {
  const root = fixtureWorkspace();
  const indexDir = path.join(tempDir(), 'idx');
  const before = listFiles(root, '\0');
  const { client } = await connect(root, ['--index-dir', indexDir]);
  try {
    await settled(client);
    assert.equal(labels((await call(client, 'search', { query: 'expire idle sessions' })).text)[0]?.path, 'src/session.ts');
  } finally {
    await client.close();
  }
  assert.deepEqual(listFiles(root, '\0'), before);
  assert.ok(fs.existsSync(path.join(indexDir, 'grounded.json')));
});

test('mcp: the first call is answered from the existing index while the startup check runs', async () => {
  const root = tempDir('grounded-mcp-big-');
  const files: Record<string, string> = {};
  for (let i = 0; i < 600; i++) files[`notes/n${Math.floor(i / 50)}/note${i}.md`] = `# Note ${i}\n\nOld text about the harbour, item ${i}.\n`;
  writeTree(root, files);
  const indexed = spawnSync(process.execPath, [CLI, 'index', root], { encoding: 'utf8' });
  assert.equal(indexed.status, 0, indexed.stderr);
  for (let i = 0; i < 600; i++) fs.writeFileSync(path.join(root, `notes/n${Math.floor(i / 50)}/note${i}.md`), `# Note ${i}\n\nNew text about the lighthouse, item ${i}.\n`);
  // Another live writer holds the index: the startup check cannot finish until it lets go.
  const lock = path.join(root, '.grounded/write.lock');
  fs.writeFileSync(lock, `${process.pid}@${os.hostname()} ${new Date().toISOString()}`);
  const { client } = await connect(root);
  try {
    const first = JSON.parse((await call(client, 'index_status', {})).text);
    assert.equal(first.freshness.reconciling, true, 'the startup check is still running');
    assert.equal(first.files, 600, 'answered from the index as it was');
    const search = await call(client, 'search', { query: 'note 17' });
    assert.equal(search.isError, false);
    assert.ok(labels(search.text).length > 0, 'a search is answered before the check ends');
    fs.rmSync(lock);
    const done = await settled(client);
    assert.equal(done.freshness.last.updated, 600);
    assert.ok(labels((await call(client, 'search', { query: 'lighthouse' })).text).length > 0);
  } finally {
    await client.close();
  }
});
