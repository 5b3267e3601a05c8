import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { startTestServer } from '../support/openaiTestServer';
import { REPO_ROOT, tempDir, writeTree } from '../unit/helpers';

const CLI = path.join(REPO_ROOT, 'dist/cli.js');

/** Runs the built CLI without blocking this process, so a test server in it can answer. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** The repository's own README, sources and tests, as a new user's first workspace. */
function ownRepository(): string {
  const root = tempDir('grounded-quickstart-');
  fs.copyFileSync(path.join(REPO_ROOT, 'README.md'), path.join(root, 'README.md'));
  for (const dir of ['src', 'test']) fs.cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
  return root;
}

const answersStorage = (p: string, title: string) => p.startsWith('src/core/store/') || (p === 'README.md' && /Store/.test(title));

test("the README's quick-start question is answered from the Store paragraph or src/core/store/ first", async () => {
  const root = ownRepository();
  const indexDir = path.join(tempDir(), 'idx');
  const query = await cli(['query', root, 'how is the index stored?', '--index-dir', indexDir, '--json']);
  assert.equal(query.code, 0, query.err);
  const [first] = JSON.parse(query.out).results;
  assert.ok(answersStorage(first.path, first.title), `first result: ${first.path} (${first.title})`);
  const ask = await cli(['ask', root, 'how is the index stored?', '--index-dir', indexDir, '--no-update']);
  assert.equal(ask.code, 0, ask.err);
  const cited = /^\[1\] (\S+) lines \d+-\d+ \((.*)\)$/m.exec(ask.out);
  assert.ok(cited && answersStorage(cited[1], cited[2]), ask.out.slice(0, 300));
});

test('query --explain says for each result which field or rule ranked it', async () => {
  const root = tempDir('grounded-explain-');
  writeTree(root, {
    'src/sessions.py': 'class Session:\n    def resolve_redirects(self, response):\n        """Follows redirects."""\n        return response\n',
    'tests/test_sessions.py': 'def test_resolve_redirects():\n    assert Session().resolve_redirects(None) is None\n',
  });
  const r = await cli(['query', root, 'resolve_redirects', '--index-dir', path.join(tempDir(), 'idx'), '--explain']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.match(lines[0], /^1\. src\/sessions\.py:\d+-\d+ .*why: defines resolve_redirects/);
  assert.ok(lines.some((l) => /tests\/test_sessions\.py.*why: .*test file ×0\.5/.test(l)), r.out);
  const plain = await cli(['query', root, 'resolve_redirects', '--index-dir', path.join(tempDir(), 'idx2')]);
  assert.doesNotMatch(plain.out, /why:/);
});

test('ask rewrites the question with the configured model first, and not at all without one', async () => {
  const server = await startTestServer({ answer: (q) => (q.includes('[1]') ? 'From the snippets [1].' : 'rotateVaultKeys vault') });
  try {
    const root = tempDir('grounded-ask-rewrite-');
    writeTree(root, {
      'docs/keys.md': '# Keys\n\nKeys are rotated every month.\n',
      'src/keyRotation.ts': 'export function rotateVaultKeys(vault: Vault): void {\n  vault.replaceKeys();\n}\n',
    });
    const env = { GROUNDED_CHAT_MODEL: 'chat', GROUNDED_BASE_URL: server.url };
    const r = await cli(['ask', root, 'when are they changed?', '--index-dir', path.join(tempDir(), 'idx')], env);
    assert.equal(r.code, 0, r.err);
    assert.equal(server.chatRequests.length, 2, 'one rewrite, one answer');
    assert.match(server.chatRequests[0].messages[0].content, /search terms/);
    assert.match(r.out, /src\/keyRotation\.ts/, 'the rewrite brought the code into the sources');
    const before = server.chatRequests.length;
    const offline = await cli(['ask', root, 'when are they changed?', '--index-dir', path.join(tempDir(), 'idx2')], { GROUNDED_BASE_URL: server.url });
    assert.equal(offline.code, 0, offline.err);
    assert.equal(server.chatRequests.length, before, 'no model configured: no call');
  } finally {
    await server.close();
  }
});
