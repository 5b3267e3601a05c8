import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { withDefaults } from '../../src/core/config';
import { createPathFilter } from '../../src/core/discovery/pathFilter';
import { Engine } from '../../src/core/engine';
import { ShardedStore } from '../../src/core/store/shardedStore';
import { readSharedIndexSettings } from '../../src/vscode/sharedSettingsFile';
import { awsSecret, ecSec1, encryptedPkcs8, openSshKey, pgpPrivateBlock, pkcs8, rsaPkcs1, tokens } from '../support/fakeSecrets';
import { tempDir, writeTree } from '../unit/helpers';

/** Every secret file mentions this word, so a query for it shows whether any of them was indexed. */
const MARK = 'zanzibar';

/** Files under common secret names: kept out by name, never opened. */
function byName(): Record<string, string> {
  const key = rsaPkcs1();
  const env = `API_TOKEN=${tokens.github()} # ${MARK}\n`;
  return {
    '.env': env,
    '.env.production': env,
    'config/app.env': env,
    '.envrc': `export AWS_SECRET_ACCESS_KEY=${awsSecret()} # ${MARK}\n`,
    'tls/server.pem': key,
    'tls/server.key': key,
    'id_rsa': key,
    'id_ed25519': openSshKey(),
    '.npmrc': `//registry.npmjs.org/:_authToken=npm_${MARK}\n`,
    '.pypirc': `[pypi]\npassword = ${MARK}\n`,
    '.netrc': `machine example.com login me password ${MARK}\n`,
    '.pgpass': `db:5432:*:me:${MARK}\n`,
    '.htpasswd': `me:$apr1$${MARK}\n`,
    'credentials.json': `{"password": "${MARK}"}\n`,
    '.aws/credentials': `[default]\naws_secret_access_key = ${MARK}\n`,
    'secrets/db.txt': `password ${MARK}\n`,
    '.ssh/config': `Host ${MARK}\n  IdentityFile ~/.ssh/id\n`,
    'infra/terraform.tfstate': `{"secret": "${MARK}"}\n`,
    'infra/terraform.tfvars': `db_password = "${MARK}"\n`,
    'infra/prod.auto.tfvars': `db_password = "${MARK}"\n`,
    '.git-credentials': `https://me:${MARK}@git.example.com\n`,
    'kubeconfig': `users:\n- name: ${MARK}\n  user:\n    token: ${MARK}\n`,
    '.kube/config': `users:\n- name: ${MARK}\n  user:\n    token: ${MARK}\n`,
    'deploy/cluster.kubeconfig': `users:\n- name: ${MARK}\n`,
    'deploy/secrets.yaml': `db: ${MARK}\n`,
    'deploy/secrets.json': `{"db": "${MARK}"}\n`,
    '.docker/config.json': `{"auths": {"r.example.com": {"auth": "${MARK}"}}}\n`,
    '.vault-token': `hvs.${MARK}\n`,
    'gcp/my-service-account-prod.json': `{"type": "service_account", "note": "${MARK}"}\n`,
    'app-firebase-adminsdk-x1y2z.json': `{"type": "service_account", "note": "${MARK}"}\n`,
    'client_secret_123.apps.googleusercontent.com.json': `{"installed": {"client_secret": "${MARK}"}}\n`,
  };
}

/** Secrets under innocent names: caught by what they hold. */
function byContent(): Record<string, string> {
  const jsonKey = JSON.stringify(pkcs8());
  const pemInBase64 = Buffer.from(rsaPkcs1()).toString('base64');
  return {
    'deploy_key': openSshKey(),
    'notes/server-access.txt': `How to reach the ${MARK} box:\n\nssh -i key admin@host\n\n${openSshKey()}\nAsk ops for the rest.\n`,
    'notes/backup.asc': `${MARK} backup\n${pgpPrivateBlock()}`,
    'config/rsa.txt': `${MARK}\n${rsaPkcs1()}`,
    'docs/key-handover.md': `# Handover ${MARK}\n\n\`\`\`\n${pkcs8()}\`\`\`\n`,
    'config/ec.yaml': `${MARK}:\n  key: |\n${ecSec1().split('\n').map((l) => '    ' + l).join('\n')}\n`,
    'config/encrypted.txt': `${MARK}\n${encryptedPkcs8()}`,
    'gcp-prod.json': `{"type": "service_account", "project_id": "${MARK}", "private_key": ${jsonKey}}\n`,
    'cluster/admin.yaml': `# ${MARK}\nusers:\n- name: admin\n  user:\n    client-key-data: ${pemInBase64}\n`,
    'ci/settings.yml': `# ${MARK}\naws_access_key_id: ${tokens.awsKeyId()}\n`,
    'scripts/release.sh': `#!/bin/sh\n# ${MARK}\nGITHUB_TOKEN=${tokens.github()} gh release create\n`,
    'docs/pat.md': `# ${MARK}\n\nUse ${tokens.githubFineGrained()} for the bot.\n`,
    'tools/gitlab.py': `# ${MARK}\nTOKEN = "${tokens.gitlab()}"\n`,
    'chat/notify.js': `// ${MARK}\nconst token = '${tokens.slackBot()}';\n`,
    'app/llm.py': `# ${MARK}\nclient = OpenAI(api_key="${tokens.openai()}")\n`,
    'app/old.ts': `// ${MARK}\nexport const key = '${tokens.openaiClassic()}';\n`,
    'ops/vault.txt': `${MARK} ${tokens.vault()}\n`,
  };
}

function secretBodies(files: Record<string, string>): string[] {
  // A long stretch of each file past its marker: enough to tell whether any of it reached the index.
  return Object.values(files).map((t) => t.replace(/\s+/g, ' ').slice(-60, -10));
}

function allIndexText(indexDir: string): string {
  let text = '';
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else text += fs.readFileSync(abs, 'latin1').replace(/\\n|\s+/g, ' ');
    }
  };
  walk(indexDir);
  return text;
}

test('secret files, by name or by content, are never indexed, never returned by a query, and say why', { timeout: 60_000 }, async () => {
  const root = tempDir();
  const named = byName();
  const contents = byContent();
  writeTree(root, { ...named, ...contents, 'docs/ordinary.md': `# Ordinary\n\nThe ${MARK} document anyone may read.\n` });
  const indexDir = path.join(tempDir(), 'idx');
  const engine = await Engine.open({ folder: root, indexDir, shardCount: 8 });
  const summary = await engine.indexAll();
  assert.deepEqual(summary.failed, []);
  const reasons = new Map([...summary.skipped, ...(await engine.status()).skipped].map((s) => [s.relPath, s.reason]));
  // Files in a secret folder (`.aws/`, `.kube/`) are not listed one by one: the folder is never entered.
  const filter = createPathFilter(root, withDefaults({}));
  for (const p of Object.keys(named)) assert.match(reasons.get(p) ?? filter.checkPath(p) ?? 'indexed', /may hold secrets/, p);
  for (const p of Object.keys(contents)) assert.match(reasons.get(p) ?? 'indexed', /^looks like a secret \(.+, line \d+\)$/, p);
  const hits = (await engine.query(MARK, { topK: 50, perFile: 1 })).map((h) => h.path);
  assert.deepEqual(hits, ['docs/ordinary.md']);
  const onDisk = allIndexText(indexDir);
  for (const [i, body] of secretBodies({ ...named, ...contents }).entries()) assert.ok(!onDisk.includes(body), `secret ${i} is not in the index files`);
  const total = Object.keys(named).length + Object.keys(contents).length;
  assert.ok(total >= 45, `${total} secret files tried`);
});

test('a workspace cannot switch the built-in secret rules off with negations; its patterns still add', async () => {
  const root = tempDir();
  writeTree(root, {
    '.vscode/settings.json': JSON.stringify({ 'grounded.index.secretPatterns': ['!.env', '!*.pem', '!id_rsa*', '!secrets/', '*.cfg'] }),
    '.gitignore': '!.env\n',
    '.groundedignore': '!*.pem\n',
    '.env': `TOKEN=${MARK}\n`,
    'server.pem': `${MARK}\n`,
    'id_rsa': `${MARK}\n`,
    'secrets/a.txt': `${MARK}\n`,
    'prod.cfg': `${MARK}\n`,
    'readme.md': `# Readme\n\n${MARK} here.\n`,
  });
  const engine = await Engine.open({ folder: root, indexDir: path.join(tempDir(), 'idx'), shardCount: 4, config: readSharedIndexSettings(root) });
  const summary = await engine.indexAll();
  const skipped = new Map(summary.skipped.map((s) => [s.relPath, s.reason]));
  for (const p of ['.env', 'server.pem', 'id_rsa', 'prod.cfg']) assert.match(skipped.get(p) ?? 'indexed', /may hold secrets/, p);
  assert.equal(summary.files, 4, 'readme.md, .gitignore, .groundedignore and .vscode/settings.json only');
  assert.deepEqual((await engine.query(MARK, { topK: 20 })).map((h) => h.path), ['readme.md']);
  // A single save goes through the same rules.
  await engine.updateFile('.env');
  assert.deepEqual((await engine.query(MARK, { topK: 20 })).map((h) => h.path), ['readme.md']);
});

test('an index built before secrets were found by content is rebuilt, so a secret it holds goes, though the file is unchanged', async () => {
  const root = tempDir();
  const key = openSshKey();
  writeTree(root, { 'deploy_key': key, 'readme.md': `# Readme\n\n${MARK} here.\n` });
  const indexDir = path.join(tempDir(), 'idx');
  // What the previous version wrote: the key file indexed like any other, under its identity.
  const { store } = await ShardedStore.open(indexDir, { provider: 'lexical', model: 'bm25', dimensions: 0, chunkerVersion: 2 * 1000 + 400 }, { shardCount: 4 });
  const stat = fs.statSync(path.join(root, 'deploy_key'));
  const chunk = { path: 'deploy_key', startLine: 1, endLine: 7, language: 'plaintext', kind: 'doc' as const, title: 'deploy_key', text: `${MARK}\n${key}`, id: 'c1', hash: 'h1' };
  store.putFile({ path: 'deploy_key', hash: 'h0', size: stat.size, mtimeMs: stat.mtimeMs, indexedAt: Date.now() }, [chunk]);
  await store.flush();
  const before = allIndexText(indexDir);
  assert.ok(before.includes(key.replace(/\s+/g, ' ').slice(60, 110)), 'the old index holds the key');

  const engine = await Engine.open({ folder: root, indexDir, shardCount: 4 });
  const summary = await engine.indexAll();
  assert.match(summary.rebuildReason ?? '', /chunker v2400/);
  assert.deepEqual((await engine.query(MARK, { topK: 10 })).map((h) => h.path), ['readme.md']);
  assert.ok(!allIndexText(indexDir).includes(key.replace(/\s+/g, ' ').slice(60, 110)), 'the key is gone from disk');
});
