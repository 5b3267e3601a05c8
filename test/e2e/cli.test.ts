import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
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
  assert.match(usage.err, /Missing arguments/);

  const badFlag = cli(['index', root, '--frobnicate']);
  assert.equal(badFlag.code, 2);
  assert.match(badFlag.err, /Unknown option --frobnicate/);

  const badBatch = cli(['query', root, '--batch', path.join(root, 'none.jsonl')]);
  assert.notEqual(badBatch.code, 0);
  assert.match(badBatch.err, /Cannot read the batch file/);
});
