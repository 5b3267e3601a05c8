import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { CHUNKER_VERSION } from '../../src/core/chunk/chunkFile';
import { CHURN_NOTEBOOK, policyPdf } from '../support/documentSamples';
import { FIXTURES, REPO_ROOT, tempDir, writeTree } from '../unit/helpers';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function fixtureWorkspace(): string {
  const root = tempDir('grounded-cli-');
  fs.cpSync(path.join(FIXTURES, 'docs'), path.join(root, 'docs'), { recursive: true });
  writeTree(root, {
    '.gitignore': 'generated/\n',
    'generated/skip.md': '# Skip\n\nNever indexed: platypus.\n',
    'src/session.ts':
      'import { Store } from "./store";\n\nexport class SessionManager {\n  constructor(private store: Store) {}\n\n  /** Expires idle sessions after the timeout. */\n  expireIdleSessions(timeoutMs: number): number {\n    return this.store.removeOlderThan(Date.now() - timeoutMs);\n  }\n}\n',
  });
  return root;
}

test('index, query, query --batch, status and ask follow the CLI contract', () => {
  const root = fixtureWorkspace();
  const indexed = cli(['index', root]);
  assert.equal(indexed.code, 0, indexed.err);
  assert.match(indexed.out, /Indexed 4 files into \d+ chunks/);
  assert.ok(fs.existsSync(path.join(root, '.grounded/grounded.json')), 'default index dir is <folder>/.grounded');

  const again = cli(['index', root]);
  assert.match(again.out, /added 0, updated 0, renamed 0, removed 0, unchanged 4/);

  const q = cli(['query', root, 'expire idle sessions', '--json']);
  assert.equal(q.code, 0, q.err);
  const parsed = JSON.parse(q.out);
  assert.equal(parsed.results[0].path, 'src/session.ts');
  assert.equal(parsed.results[0].kind, 'code');

  const human = cli(['query', root, 'MSI package windows']);
  assert.match(human.out, /^1\. docs\/guide\.md:\d+-\d+ {2}Guide > Install > Windows/m);

  const batchFile = path.join(tempDir(), 'q.jsonl');
  fs.writeFileSync(batchFile, ['{"id":"a","text":"expire idle sessions"}', '{"id":"b","text":"setext heading"}', '{"id":"c","text":"platypus"}'].join('\n') + '\n');
  const batch = cli(['query', root, '--batch', batchFile, '--top-k', '2']);
  assert.equal(batch.code, 0, batch.err);
  const lines = batch.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), ['a', 'b', 'c']);
  assert.deepEqual(Object.keys(lines[0].results[0]), ['path', 'startLine', 'endLine', 'title', 'kind', 'score']);
  assert.equal(lines[1].results[0].path, 'docs/guide.md');
  assert.ok(lines[0].results.length <= 2);
  assert.deepEqual(lines[2].results, [], 'gitignored files are not indexed');

  const status = cli(['status', root, '--json']);
  const s = JSON.parse(status.out);
  assert.equal(s.files, 4);
  assert.equal(s.identity.provider, 'lexical');

  const ask = cli(['ask', root, 'How do sessions expire?']);
  assert.equal(ask.code, 0, ask.err);
  assert.match(ask.out, /\[1\] src\/session\.ts:\d+-\d+/);
  assert.match(ask.out, /GROUNDED_CHAT_MODEL/);
});

test('--index-dir puts the index elsewhere; errors are one clear line and a non-zero exit', () => {
  const root = fixtureWorkspace();
  const indexDir = path.join(tempDir(), 'elsewhere');
  assert.equal(cli(['index', root, '--index-dir', indexDir]).code, 0);
  assert.ok(fs.existsSync(path.join(indexDir, 'grounded.json')));
  assert.ok(!fs.existsSync(path.join(root, '.grounded')));

  const missing = cli(['index', path.join(root, 'nope')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /is not a folder/);

  const usage = cli(['query', root]);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /^grounded: Missing <text>\.\n\nUsage:\n {2}grounded query <folder> <text>/);
  assert.match(cli(['ask']).err, /Missing <folder> and <question>\./);
  assert.match(cli(['ask', root, '  ']).err, /<question> is empty\./);
  assert.match(cli(['ask', root, 'q', '-k', 'two']).err, /--top-k takes a positive whole number, not "two"/);
  assert.ok(!fs.existsSync(path.join(root, '.grounded')), 'a usage error writes nothing');

  const badFlag = cli(['index', root, '--frobnicate']);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.err, /Unknown option --frobnicate/);

  const badBatch = cli(['query', root, '--batch', path.join(root, 'none.jsonl')]);
  assert.notEqual(badBatch.code, 0);
  assert.match(badBatch.err, /Cannot read the batch file/);
});

test('with GROUNDED_EMBED_MODEL and GROUNDED_CHAT_MODEL, index embeds through the endpoint and ask streams a cited answer', async () => {
  const { startTestServer } = await import('../support/openaiTestServer');
  const server = await startTestServer({ apiKey: 'sk-test-cli-key-123' });
  try {
    const root = fixtureWorkspace();
    const env = { GROUNDED_BASE_URL: server.url, GROUNDED_API_KEY: 'sk-test-cli-key-123', GROUNDED_EMBED_MODEL: 'embed-small', GROUNDED_CHAT_MODEL: 'chat-small' };
    const indexed = await cliAsync(['index', root], env);
    assert.equal(indexed.code, 0, indexed.err);
    const embedCalls = server.counts['/v1/embeddings'];
    assert.ok(embedCalls >= 2, 'probe and at least one batch');
    const status = JSON.parse((await cliAsync(['status', root, '--json'], env)).out);
    assert.equal(status.identity.provider, 'openai');
    assert.equal(status.identity.model, 'embed-small');
    assert.equal(status.identity.dimensions, 64);

    const beforeAgain = server.counts['/v1/embeddings'];
    const again = await cliAsync(['index', root], env);
    assert.match(again.out, /unchanged 4/);
    assert.equal(server.counts['/v1/embeddings'], beforeAgain, 're-indexing unchanged files sends no request (the vector length comes from the index)');

    const ask = await cliAsync(['ask', root, 'How do sessions expire?'], env);
    assert.equal(ask.code, 0, ask.err);
    assert.match(ask.out, /According to src\/session\.ts, the answer is in the first snippet \[1\]\./);
    assert.match(ask.out, /Sources:\n\[1\] src\/session\.ts:\d+-\d+/);
    assert.equal(server.chatRequests[0].model, 'chat-small');
    assert.ok(server.headers.every((h) => h.authorization === 'Bearer sk-test-cli-key-123'), 'the key is sent to the endpoint');
    assert.ok(!JSON.stringify(fs.readdirSync(path.join(root, '.grounded'), { recursive: true }).map((f) => {
      const p = path.join(root, '.grounded', String(f));
      return fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : '';
    })).includes('sk-test-cli-key-123'), 'the key is nowhere in the index');

    const down = await cliAsync(['query', root, 'expire idle sessions', '--json'], { ...env, GROUNDED_BASE_URL: 'http://127.0.0.1:9/v1' });
    assert.equal(down.code, 0, `with the endpoint down, search still answers (lexically): ${down.err}`);
    assert.equal(JSON.parse(down.out).results[0].path, 'src/session.ts');

    fs.appendFileSync(path.join(root, 'src/session.ts'), '\n// touched\n');
    const badKey = await cliAsync(['index', root], { ...env, GROUNDED_API_KEY: 'wrong' });
    assert.equal(badKey.code, 1);
    assert.match(badKey.err, /check the API key/);
    assert.ok(!badKey.err.includes('wrong') || !badKey.err.includes('Bearer'), 'no key in the message');
  } finally {
    await server.close();
  }
});

/** The CLI run without blocking this process (the test's own HTTP server must keep answering). */
function cliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = require('child_process').spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('close', (code: number | null) => resolve({ code, out, err }));
  });
}

test('the CLI applies the indexing settings a team shares in .vscode/settings.json (JSON with comments)', () => {
  const root = fixtureWorkspace();
  writeTree(root, {
    '.vscode/settings.json': '{\n  // shared by the team\n  "grounded.index.exclude": ["docs/**"], /* no docs */\n  "grounded.index.chunkTokens": 200,\n  "grounded.chat.baseUrl": "http://evil.example/v1",\n}\n',
  });
  assert.equal(cli(['index', root]).code, 0);
  const s = JSON.parse(cli(['status', root, '--json']).out);
  assert.equal(s.identity.chunkerVersion, CHUNKER_VERSION * 1000 + 200, 'chunk size from the shared settings is part of the identity');
  const q = JSON.parse(cli(['query', root, 'MSI package windows', '--json']).out);
  assert.ok(q.results.every((r: { path: string }) => !r.path.startsWith('docs/')), 'docs/ excluded');
});

test('ask --json is one JSON object; -k is --top-k; --version; a file as --index-dir is one plain sentence', () => {
  const root = fixtureWorkspace();
  const ask = cli(['ask', root, 'How do sessions expire?', '--json', '-k', '2']);
  assert.equal(ask.code, 0, ask.err);
  const a = JSON.parse(ask.out);
  assert.deepEqual(Object.keys(a), ['question', 'answer', 'sources']);
  assert.equal(a.question, 'How do sessions expire?');
  assert.match(a.answer, /^The most relevant passages/);
  assert.equal(a.sources.length, 2);
  assert.deepEqual(Object.keys(a.sources[0]), ['path', 'startLine', 'endLine', 'title', 'kind', 'score']);
  assert.equal(a.sources[0].path, 'src/session.ts');

  const q = JSON.parse(cli(['query', root, '-k', '1', 'expire idle sessions', '--json']).out);
  assert.equal(q.query, 'expire idle sessions', '-k 1 is not part of the query');
  assert.equal(q.results.length, 1);
  const unknown = cli(['query', root, '-x', 'expire']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /^grounded: Unknown option -x/);
  assert.equal(cli(['query', root, '--', '-k', '--json']).out, 'Nothing in the index matches "-k --json".\n', 'after --, words are text');

  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  for (const flag of [['--version'], ['-V'], ['ask', '--version']]) {
    const v = cli(flag);
    assert.equal(v.code, 0);
    assert.equal(v.out, `grounded ${pkg.version}\n`);
  }

  const file = path.join(tempDir(), 'not-a-folder');
  fs.writeFileSync(file, 'x');
  for (const [command, dir] of [['query', file], ['query', path.join(file, 'below')], ['status', file], ['status', path.join(file, 'below')]]) {
    const r = cli([command, root, ...(command === 'query' ? ['expire'] : []), '--index-dir', dir]);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^grounded: --index-dir .*not-a-folder.* (is a file, not a folder|cannot be a folder: a file is in its path)\./);
    assert.doesNotMatch(r.err, /EEXIST|ENOTDIR|mkdir/);
  }
});

test('ask and query report indexing as one stderr line when not on a terminal, and nothing when the index is current', () => {
  const root = fixtureWorkspace();
  const first = cli(['ask', root, 'How do sessions expire?']);
  assert.equal(first.code, 0, first.err);
  assert.match(first.err, /^Index updated: 4 added, 0 updated, 0 removed, 0 renamed \(\d+ chunks, \d+\.\d s\)\.\n$/);
  assert.doesNotMatch(first.out, /Index updated/, 'stdout is the answer only');
  assert.doesNotMatch(first.err, /\x1b/, 'no terminal codes when stderr is not a terminal');
  assert.equal(cli(['query', root, 'expire']).err, '');
  fs.appendFileSync(path.join(root, 'src/session.ts'), '\n// touched\n');
  assert.match(cli(['query', root, 'expire']).err, /^Index updated: 0 added, 1 updated/);
});

test('a long question is not echoed whole, and the extractive answer leads with one line per source', () => {
  const root = fixtureWorkspace();
  const question = 'how do idle sessions expire '.repeat(400);
  const r = cli(['ask', root, question]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.ok(lines.every((l) => l.length < 300), 'no line carries the whole question');
  assert.match(lines[0], /^The most relevant passages for "how do idle sessions expire how.*…":$/);
  assert.match(lines[2], /^\[1\] src\/session\.ts:\d+-\d+ {2}class SessionManager.* — Expires idle sessions after the timeout\.$/);
});

test('a new index folder gets a .gitignore, so git status stays clean; an existing or shared one does not', () => {
  const { INDEX_GITIGNORE } = require('../../src/core/store/indexFolder');
  const git = (root: string, ...args: string[]) => spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  const root = fixtureWorkspace();
  assert.equal(git(root, 'init', '-q').status, 0);
  assert.equal(cli(['index', root]).code, 0);
  assert.equal(fs.readFileSync(path.join(root, '.grounded/.gitignore'), 'utf8'), INDEX_GITIGNORE);
  assert.doesNotMatch(git(root, 'status', '--porcelain', '--untracked-files=all').stdout, /\.grounded/);
  assert.equal(cli(['query', root, 'expire', '--json']).code, 0, 'the index still opens and answers');

  const existing = fixtureWorkspace();
  writeTree(existing, { '.grounded/notes.txt': 'mine\n' });
  const refused = cli(['index', existing]);
  assert.equal(refused.code, 1, 'the store refuses a folder holding anything else');
  assert.match(refused.err, /not a Grounded index folder/);
  assert.ok(!fs.existsSync(path.join(existing, '.grounded/.gitignore')), 'never written into a folder that holds anything else');
  const empty = fixtureWorkspace();
  fs.mkdirSync(path.join(empty, '.grounded'));
  assert.equal(cli(['index', empty]).code, 0);
  assert.equal(fs.readFileSync(path.join(empty, '.grounded/.gitignore'), 'utf8'), INDEX_GITIGNORE, 'an empty folder (left by a run that failed to open) is as good as new');

  const shared = fixtureWorkspace();
  writeTree(shared, { '.vscode/settings.json': '{ "grounded.index.location": "./.grounded/" }' });
  assert.equal(cli(['index', shared]).code, 0);
  assert.ok(!fs.existsSync(path.join(shared, '.grounded/.gitignore')), 'a shared index is for committing');

  const elsewhere = path.join(tempDir(), 'idx');
  assert.equal(cli(['index', fixtureWorkspace(), '--index-dir', elsewhere]).code, 0);
  assert.equal(fs.readFileSync(path.join(elsewhere, '.gitignore'), 'utf8'), INDEX_GITIGNORE, 'any folder the CLI creates');
  assert.notEqual(cli(['index', path.join(root, 'missing')]).code, 0);
  assert.ok(!fs.existsSync(path.join(root, 'missing')), 'a missing workspace folder is not created');
});

test('file names and text with newlines or ESC sequences cannot forge result lines or reach the terminal raw', async () => {
  const root = fixtureWorkspace();
  const forged = 'evil\n2. forged.md:1-1  Forged  (doc, 9)\x1b[2J.md';
  writeTree(root, { [forged]: '# Platypus \x1b]0;pwned\x07\n\nThe platypus lays eggs.\x1b[31m red\n' });
  const q = cli(['query', root, 'platypus']);
  assert.equal(q.code, 0, q.err);
  assert.ok(!q.out.includes('\x1b') && !q.out.includes('\x07'), JSON.stringify(q.out));
  assert.ok(q.out.trim().split('\n').every((l) => /^\d+\. /.test(l)), 'one line per result');
  assert.match(q.out, /^1\. evil\\n2\. forged\.md:1-1 {2}Forged {2}\(doc, 9\)\\x1b\[2J\.md:1-3 {2}Platypus \\x1b\]0;pwned\\x07/);
  assert.equal(JSON.parse(cli(['query', root, 'platypus', '--json']).out).results[0].path, forged, 'JSON keeps the exact name');
  const ask = cli(['ask', root, 'platypus eggs']);
  assert.ok(!/[\x1b\x07]/.test(ask.out), JSON.stringify(ask.out));
  assert.match(ask.out, /The platypus lays eggs\.\\x1b\[31m red/);

  const { startTestServer } = await import('../support/openaiTestServer');
  const server = await startTestServer({ answer: () => 'Eggs [1].\x1b[2J\nDone.' });
  try {
    const env = { GROUNDED_BASE_URL: server.url, GROUNDED_CHAT_MODEL: 'chat-small' };
    const streamed = await cliAsync(['ask', root, 'platypus eggs'], env);
    assert.equal(streamed.code, 0, streamed.err);
    assert.ok(streamed.out.startsWith('Eggs [1].\\x1b[2J\nDone.\n\nSources:\n[1] evil\\n2. forged'), JSON.stringify(streamed.out));
    const json = await cliAsync(['ask', root, 'platypus eggs', '--json'], env);
    assert.equal(json.code, 0, json.err);
    const a = JSON.parse(json.out);
    assert.equal(a.answer, 'Eggs [1].\x1b[2J\nDone.', 'JSON carries the answer exactly (its escaping is safe)');
    assert.equal(a.model, 'chat-small');
    assert.equal(a.sources[0].path, forged);
  } finally {
    await server.close();
  }
});

test('documents through the CLI: JSON adds page and cell only where set, ask cites the PDF page, the shared document size limit applies', () => {
  const root = tempDir('grounded-cli-docs-');
  writeTree(root, {
    'policies/travel.pdf': policyPdf(),
    'analysis/churn.ipynb': CHURN_NOTEBOOK,
    'docs/notes.md': '# Notes\n\nTickets are printed at the desk.\n',
  });
  const batchFile = path.join(tempDir(), 'q.jsonl');
  fs.writeFileSync(batchFile, '{"id":"pdf","text":"unused tickets refunded"}\n{"id":"nb","text":"grouped by signup week"}\n{"id":"md","text":"printed at the desk"}\n');
  const batch = cli(['query', root, '--batch', batchFile, '--top-k', '1']);
  assert.equal(batch.code, 0, batch.err);
  const [pdf, nb, md] = batch.out.trim().split('\n').map((l) => JSON.parse(l).results[0]);
  assert.deepEqual(Object.keys(pdf), ['path', 'startLine', 'endLine', 'title', 'kind', 'score', 'page']);
  assert.deepEqual([pdf.path, pdf.page, pdf.title], ['policies/travel.pdf', 2, 'Travel Policy > Refunds']);
  assert.deepEqual([nb.path, nb.cell], ['analysis/churn.ipynb', 3]);
  assert.deepEqual(Object.keys(md), ['path', 'startLine', 'endLine', 'title', 'kind', 'score'], 'existing fields unchanged');

  const json = JSON.parse(cli(['query', root, 'unused tickets refunded', '--json', '--top-k', '1']).out);
  assert.equal(json.results[0].page, 2);
  const ask = cli(['ask', root, 'when are unused tickets refunded?']);
  assert.equal(ask.code, 0, ask.err);
  assert.match(ask.out, /^\[1\] policies\/travel\.pdf p\. 2\b/m);

  // Both documents are over 1 KiB; the Markdown file is under it but keeps the text limit anyway.
  writeTree(root, { '.vscode/settings.json': '{ "grounded.index.maxDocumentSizeKB": 1 }' });
  const reindexed = cli(['index', root]);
  assert.equal(reindexed.code, 0, reindexed.err);
  assert.match(reindexed.out, /removed 2, unchanged 1, skipped 2/);
  const after = JSON.parse(cli(['query', root, 'unused tickets refunded', '--json']).out);
  assert.ok(!after.results.some((r: { path: string }) => r.path.endsWith('.pdf')));
});

test('ask sends and lists adjacent chunks of one file as one source, with a model and without', async () => {
  const root = tempDir('grounded-cli-');
  const notes = Array.from({ length: 40 }, (_, i) => `A session expires after thirty minutes idle (note ${i + 1}).`).join('\n');
  writeTree(root, { 'docs/sessions.md': `${notes}\n` });
  const raw = JSON.parse(cli(['query', root, 'session expires', '--json']).out).results as { startLine: number; endLine: number }[];
  assert.ok(raw.length >= 2, 'precondition: the section is more than one chunk');
  const span = [Math.min(...raw.map((r) => r.startLine)), Math.max(...raw.map((r) => r.endLine))];
  const extractive = JSON.parse(cli(['ask', root, 'session expires', '--json', '--no-update']).out);
  assert.deepEqual(extractive.sources.map((s: { startLine: number; endLine: number }) => [s.startLine, s.endLine]), [span]);
  const { startTestServer } = await import('../support/openaiTestServer');
  const server = await startTestServer();
  try {
    const written = await cliAsync(['ask', root, 'session expires', '--json', '--no-update'], { GROUNDED_BASE_URL: server.url, GROUNDED_CHAT_MODEL: 'chat-small' });
    assert.equal(written.code, 0, written.err);
    const a = JSON.parse(written.out);
    assert.deepEqual(a.sources.map((s: { startLine: number; endLine: number }) => [s.startLine, s.endLine]), [span]);
    assert.match(a.answer, /According to docs\/sessions\.md/);
    const sent = server.chatRequests.at(-1)!.messages.at(-1)!.content;
    assert.match(sent, new RegExp(`\\[1\\] docs/sessions\\.md lines ${span[0]}-${span[1]}`));
    assert.doesNotMatch(sent, /\[2\] /);
  } finally {
    await server.close();
  }
});
