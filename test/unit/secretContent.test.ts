import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { decodeText } from '../../src/core/discovery/readText';
import { secretInText } from '../../src/core/discovery/secretContent';
import { ecSec1, encryptedPkcs8, openSshKey, pgpPrivateBlock, pkcs8, randomChars, rsaPkcs1, tokens } from '../support/fakeSecrets';
import { REPO_ROOT } from './helpers';

test('private key blocks of every common form are found, also inside JSON strings, YAML blocks and base64', () => {
  const cases: Record<string, string> = {
    openssh: openSshKey(),
    rsa: rsaPkcs1(),
    pkcs8: pkcs8(),
    ec: ecSec1(),
    encrypted: encryptedPkcs8(),
    pgp: pgpPrivateBlock(),
    json: `{"private_key": ${JSON.stringify(pkcs8())}}`,
    crlf: rsaPkcs1().replace(/\n/g, '\r\n'),
    yaml: `key: |\n${ecSec1().split('\n').map((l) => '  ' + l).join('\n')}`,
    base64: `client-key-data: ${Buffer.from(rsaPkcs1()).toString('base64')}`,
  };
  for (const [name, text] of Object.entries(cases)) {
    const line = text.split('\n').findIndex((l) => /-----BEGIN|key-data/.test(l)) + 2;
    assert.equal(secretInText(`intro\n${text}`) ?? 'missed', `looks like a secret (private key block, line ${line})`, name);
  }
});

test('tokens of well-known shapes are found, and the reason names the kind and line, never the token', () => {
  for (const [name, make] of Object.entries(tokens)) {
    const token = make();
    const reason = secretInText(`line one\nconst value = "${token}";\n`);
    assert.match(reason ?? 'missed', /^looks like a secret \(.+, line 2\)$/, name);
    assert.ok(!reason!.includes(token.slice(4, 12)), `${name}: the reason holds no part of the token`);
  }
});

test('text that only talks about keys and tokens is not flagged', () => {
  const negatives = [
    "if (text.startsWith('-----BEGIN RSA PRIVATE KEY-----')) return 'pem';",
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ...\n-----END OPENSSH PRIVATE KEY-----',
    '-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----',
    '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----',
    '-----BEGIN PGP PRIVATE KEY BLOCK-----\n' + 'A'.repeat(80),
    '-----BEGIN PUBLIC KEY-----\n' + randomChars(200) + '\n-----END PUBLIC KEY-----',
    'The AWS docs use AKIAIOSFODNN7EXAMPLE as a sample key id.',
    'aws_access_key_id = AKIAXXXXXXXXXXXXXXXX',
    'GITHUB_TOKEN=ghp_' + 'x'.repeat(36),
    'SLACK_TOKEN=xoxb-your-token-here',
    'pip install scikit-learn; sk-learn is its old name; a task-sk-' + 'very-long-kebab-case-identifier-name-here',
    'const key = "sk-" + "' + 'a'.repeat(40) + '";',
    'glpat-xxxxxxxxxxxxxxxxxxxx',
    'The vault token looks like hvs.CAESI… and lives in ~/.vault-token.',
  ];
  for (const text of negatives) assert.equal(secretInText(text), undefined, text);
});

test("none of the repository's own sources, tests and docs is flagged", () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) files.push(abs);
    }
  };
  for (const dir of ['src', 'test', 'bench', 'scripts']) if (fs.existsSync(path.join(REPO_ROOT, dir))) walk(path.join(REPO_ROOT, dir));
  for (const f of fs.readdirSync(REPO_ROOT)) if (/\.(md|json|js|mjs)$/.test(f) && f !== 'package-lock.json') files.push(path.join(REPO_ROOT, f));
  assert.ok(files.length > 100, `${files.length} files checked`);
  const flagged = files.filter((f) => secretInText(fs.readFileSync(f, 'utf8')) !== undefined).map((f) => path.relative(REPO_ROOT, f));
  assert.deepEqual(flagged, []);
});

test('decodeText refuses text holding a secret with a reason that holds none of it', () => {
  const token = tokens.github();
  const read = decodeText(Buffer.from(`# Notes\n\ntoken: ${token}\n`));
  assert.equal(read.ok, false);
  assert.ok(!read.ok && read.reason === 'looks like a secret (GitHub token, line 3)', JSON.stringify(read));
  assert.equal(decodeText(Buffer.from('# Notes\n\nOrdinary text.\n')).ok, true);
});
