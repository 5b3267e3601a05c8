import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/helpers';

// The CLI as users get it from npm: the tarball `npm pack` makes (from the dist/ that `npm run build`
// wrote; --ignore-scripts skips prepack's rebuild so the other tests' dist/ is not rewritten under them),
// installed globally into a temporary prefix with --offline, which fails if anything must be fetched.
const env = { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, HOME: '' };

function sh(cmd: string, args: string[], cwd: string, home: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...env, HOME: home, npm_config_cache: path.join(home, 'npm-cache') }, timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('npm pack makes an installable CLI package that answers offline', () => {
  const home = tempDir('grounded-npm-home-');
  const out = tempDir('grounded-pack-');
  const [packed] = JSON.parse(sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], REPO_ROOT, home));
  const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
  assert.equal(packed.filename, `grounded-${version}.tgz`);
  const files: string[] = packed.files.map((f: { path: string }) => f.path);
  for (const f of ['dist/cli.js', 'dist/indexWorker.js', 'dist/codeChunkWorker.js', 'dist/tree-sitter.wasm', 'dist/grammars/tree-sitter-typescript.wasm', 'README.md', 'LICENSE']) {
    assert.ok(files.includes(f), `${f} is in the package`);
  }
  assert.deepEqual(files.filter((f) => /^(src|test|node_modules|bench)\//.test(f) || f.endsWith('.map')), [], 'no sources, tests or maps');

  const prefix = path.join(tempDir('grounded-prefix-'), 'p');
  sh('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, path.join(out, packed.filename)], out, home);
  const installed = JSON.parse(fs.readFileSync(path.join(prefix, 'lib/node_modules/grounded/package.json'), 'utf8'));
  assert.equal(installed.dependencies, undefined, 'everything it runs is bundled: installing fetches nothing');

  const folder = tempDir('grounded-npm-ws-');
  fs.cpSync(path.join(FIXTURES, 'workspace'), folder, { recursive: true });
  const answer = sh(path.join(prefix, 'bin/grounded'), ['ask', folder, 'How are invoices retried?'], out, home);
  assert.match(answer, /^\[\d+\] src\/invoicer\.ts:\d+-\d+ /m, 'cites the code with its lines');
  assert.match(answer, /runWithRetry/, 'quotes the passage that answers');
  assert.ok(fs.existsSync(path.join(folder, '.grounded/grounded.json')), 'the index is in <folder>/.grounded');
});
