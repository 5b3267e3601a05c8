/**
 * `npm run bench`: the generated-workspace scale suite by default (its options pass through:
 * `npm run bench -- --quick`); with `--monorepo <folder>`, the real-code monorepo benchmark instead,
 * Grounded with SQLite FTS5 and ripgrep beside it in the same run.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const args = process.argv.slice(2);
const at = args.indexOf('--monorepo');
const bench = path.resolve(__dirname, '..');
const run =
  at >= 0
    ? [path.join(bench, 'monorepo.js'), ...args.filter((_, i) => i !== at), '--fts5', '--rg']
    : ['--max-old-space-size=16384', path.join(bench, 'suite.js'), ...args];
const child = spawnSync(process.execPath, run, { stdio: 'inherit' });
process.exit(child.status ?? 1);
