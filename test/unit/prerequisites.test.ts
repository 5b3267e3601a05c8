import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { REPO_ROOT, tempDir } from './helpers';

// scripts/prerequisites.sh runs before any test (npm test, .ci/run). These runs give it a PATH of real
// tools with some left out, instead of uninstalling anything; GROUNDED_NO_INSTALL stands for a user who
// cannot install (it keeps a root test run from calling apt-get for real).
const SCRIPT = path.join(REPO_ROOT, 'scripts/prerequisites.sh');
const TOOLS = ['chromium', 'rg', 'make', 'g++', 'python3', 'pkg-config', 'krb5-config', 'unzip', 'apt-get'];
const NODE_MIN = 22;
const nodeTooOld = Number(process.versions.node.split('.')[0]) < NODE_MIN;

function which(tool: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, tool);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`${tool} is not on PATH: run scripts/prerequisites.sh first`);
}

/** A folder of links to the real tools, minus `without`, plus the Node running this test. */
function pathWithout(without: string[]): string {
  const bin = tempDir('grounded-prereq-');
  for (const tool of TOOLS.filter((t) => !without.includes(t))) fs.symlinkSync(which(tool), path.join(bin, tool));
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  return bin;
}

function run(binPath: string) {
  const r = spawnSync('/bin/bash', [SCRIPT], { encoding: 'utf8', env: { PATH: binPath, GROUNDED_NO_INSTALL: '1' }, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const nodeNote = nodeTooOld ? `; also needs Node ${NODE_MIN} or newer (this is ${process.versions.node})` : '';

test('one missing tool: one line naming its Debian package and the command, exit 1, nothing installed', () => {
  const r = run(pathWithout(['rg']));
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  assert.equal(r.err, `prerequisites: missing Debian packages: ripgrep; install them with: sudo apt-get install -y ripgrep${nodeNote}\n`);
});

test('everything missing: every package once, on one line', () => {
  const r = run(pathWithout(TOOLS));
  const all = 'chromium ripgrep build-essential python3 pkg-config libkrb5-dev unzip';
  assert.equal(r.code, 1);
  assert.equal(r.err, `prerequisites: missing Debian packages: ${all}; install them with: sudo apt-get install -y ${all}${nodeNote}\n`);
});

test('everything present: silent, and exit 0 on a Node the project supports', () => {
  const r = run(pathWithout([]));
  assert.equal(r.out, '');
  assert.equal(r.code, nodeTooOld ? 1 : 0, r.err);
  assert.equal(r.err, nodeTooOld ? `prerequisites: needs Node ${NODE_MIN} or newer (this is ${process.versions.node})\n` : '');
});
