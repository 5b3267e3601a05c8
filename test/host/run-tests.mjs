#!/usr/bin/env node
// Runs a mocha suite inside a real VS Code extension host, offline: code-server serves VS Code (hosts.json),
// Debian's headless Chromium opens the workbench with `extensionDevelopmentPath` / `extensionTestsPath`
// in the URL payload (the mechanism of VS Code's own browser integration tests), and the suite's exit
// code becomes this process's (124 on timeout). Everything the run writes stays in a temp folder.
// The terminal gets the mocha report and one line per run; the workbench, browser and server output goes
// to host.log in that folder (see hostLog.mjs), whose tail and path are printed when the run fails, and
// the folder is then kept.
//
// node test/host/run-tests.mjs --ext <extRoot> --tests <extRoot>/out/test/integration/index.js --workspace <dir>
//   [--host oldest|newest] [--host-dir .vscode-test/<host>] [--port N] [--timeout S] [--screenshot out.png] [--preinstall <dir>[,<dir>]]
//   [--enable-proposed-api <id>] [--settings <json>] [--trust] [--raw] [--chromium <path>] [--verbose] [--keep]
//
// --preinstall copies extension folders into the extensions dir (only one extensionDevelopmentPath is kept).
// --settings merges JSON into the user settings. --trust turns workspace trust on (off by default).
// --raw runs VS Code's own server (server-main.js inside the code-server package, on $SERVER_NODE or the host's
// Node) with --enable-smoke-test-driver instead of the code-server CLI: the way to use a newer
// code-server whose CLI no longer honours the URL payload. --keep leaves the temp folder (logs) in place
// after a green run too. --verbose echoes every line of the log to stderr as it comes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { fileURLToPath } from 'node:url';
import { openHostLog, vscodeLogEntries } from './hostLog.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (!a.startsWith('--')) continue;
  const next = process.argv[i + 1];
  args[a.slice(2)] = next && !next.startsWith('--') ? (i++, next) : true;
}
// --host names an entry of hosts.json (installed by setup.sh): it gives the folder and whether to use --raw.
const hostSpec = args.host ? JSON.parse(fs.readFileSync(path.join(here, 'hosts.json'), 'utf8'))[args.host] : undefined;
if (args.host && !hostSpec) throw new Error(`no host ${args.host} in test/host/hosts.json`);
if (hostSpec?.raw) args.raw = true;
const hostDir = path.resolve(args['host-dir'] || path.join(here, '../../.vscode-test', args.host || 'cs'));
// The host's own Node (setup.sh puts it in <host-dir>/node): its native modules are built for it.
const hostNode = path.join(hostDir, 'node/bin/node');
const serverNode = process.env.SERVER_NODE || (fs.existsSync(hostNode) ? hostNode : process.execPath);
const { chromium } = createRequire(path.join(hostDir, 'package.json'))('playwright-core');
const codeServer = path.join(hostDir, 'node_modules/.bin/code-server');
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const port = Number(args.port || (await freePort()));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grounded-host-'));
const ext = path.resolve(args.ext);
const tests = path.resolve(args.tests);
const workspace = path.resolve(args.workspace);
const log = openHostLog(path.join(tmp, 'host.log'), { verbose: Boolean(args.verbose) });
const label = args.host || path.basename(hostDir);

fs.mkdirSync(path.join(tmp, 'ud', 'User'), { recursive: true });
fs.writeFileSync(
  path.join(tmp, 'ud', 'User', 'settings.json'),
  JSON.stringify({
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.enableExperiments': false,
    'update.mode': 'none',
    'workbench.startupEditor': 'none',
    'git.enabled': false,
    // The tests hold unsaved edits on purpose; a host whose default saves them would turn them into saves.
    'files.autoSave': 'off',
    ...(args.settings ? JSON.parse(args.settings) : {}),
  }),
);
// Newer VS Code loads only the extensions that the extensions folder's extensions.json lists.
const installed = [];
for (const dir of String(args.preinstall || '').split(',').filter(Boolean)) {
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const folder = `${m.publisher}.${m.name}-${m.version}`;
  fs.cpSync(dir, path.join(tmp, 'ext', folder), { recursive: true });
  const location = { $mid: 1, scheme: 'file', path: path.join(tmp, 'ext', folder) };
  installed.push({ identifier: { id: `${m.publisher}.${m.name}` }, version: m.version, location, relativeLocation: folder });
}
if (installed.length) fs.writeFileSync(path.join(tmp, 'ext', 'extensions.json'), JSON.stringify(installed));
// HOME, TMPDIR and XDG folders point inside tmp so that nothing the host writes outlives the run.
for (const d of ['home', 't']) fs.mkdirSync(path.join(tmp, d), { recursive: true });
const env = {
  ...process.env,
  PATH: `${path.dirname(serverNode)}${path.delimiter}${process.env.PATH}`,
  EXTENSIONS_GALLERY: '{}',
  HOME: path.join(tmp, 'home'),
  TMPDIR: path.join(tmp, 't'),
  XDG_CONFIG_HOME: path.join(tmp, 'xdgc'),
  XDG_DATA_HOME: path.join(tmp, 'xdgd'),
  XDG_CACHE_HOME: path.join(tmp, 'xdgcache'),
};
const common = [
  '--user-data-dir', path.join(tmp, 'ud'), '--extensions-dir', path.join(tmp, 'ext'),
  ...(args.trust ? [] : ['--disable-workspace-trust']),
  ...(args['enable-proposed-api'] ? ['--enable-proposed-api', args['enable-proposed-api']] : []),
];
const server = args.raw
  ? spawn(
      serverNode,
      [
        path.join(hostDir, 'node_modules/code-server/lib/vscode/out/server-main.js'),
        '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms',
        '--enable-smoke-test-driver', '--server-data-dir', path.join(tmp, 'sd'), '--telemetry-level', 'off',
        ...common,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    )
  : spawn(
      codeServer,
      [
        '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--config', path.join(tmp, 'config.yaml'),
        '--disable-update-check', '--disable-getting-started-override', '--ignore-last-opened', '--disable-telemetry',
        ...common,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
server.stdout.on('data', (d) => log.chunk('server', 'stdout', String(d)));
server.stderr.on('data', (d) => log.chunk('server', 'stderr', String(d)));

let browser;
let page;
let finished = false;
async function finish(code) {
  if (finished) return;
  finished = true;
  try {
    if (args.screenshot && page) await page.screenshot({ path: path.resolve(args.screenshot) });
  } catch (e) {
    console.error('[host] screenshot failed:', e.message);
  }
  await browser?.close().catch(() => undefined);
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {}
  try {
    readExtensionHostLogs();
  } catch (e) {
    console.error(`[host] ${label}: the extension host's logs could not be read: ${e.message}`);
  }
  if (code !== 0) {
    console.error(`[host] ${label}: the last lines of the host's log:\n${log.tail(80)}`);
    console.error(`[host] ${label}: the whole log is ${log.file} (the run's folder ${tmp} is kept)`);
  }
  log.close();
  if (code === 0 && !args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  console.error(`[host] ${label}: exit ${code} after ${elapsed()}`);
  process.exit(code);
}
const timer = setTimeout(() => {
  console.error(`[host] ${label}: TIMEOUT after ${elapsed()}`);
  void finish(124);
}, Number(args.timeout || 300) * 1000);
server.on('exit', (code) => {
  if (!finished) {
    console.error(`[host] ${label}: the server exited (${code})`);
    void finish(1);
  }
});

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}${args.raw ? '/' : '/healthz'}`)).ok) break;
  } catch {}
  if (i > 240) {
    console.error(`[host] ${label}: the server did not start`);
    await finish(1);
  }
  await new Promise((r) => setTimeout(r, 250));
}
log.line('host', 'info', `${args.raw ? 'VS Code server' : 'code-server'} up after ${elapsed()}`);

browser = await chromium.launch({
  executablePath: args.chromium || '/usr/bin/chromium',
  headless: true,
  env,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.on('pageerror', (e) => log.line('page', 'error', e.stack || e.message));
// The browser console repeats the workbench log (which comes through codeAutomationLog): only its
// warnings and errors add anything, such as failed requests.
page.on('console', (msg) => {
  if (msg.type() === 'error' || msg.type() === 'warning') log.line('browser', msg.type() === 'warning' ? 'warn' : 'error', msg.text());
});
// The test runner inside the host reports through these two functions; the workbench's whole log (with
// the extension host's console, where the mocha report is) comes through the first.
await page.exposeFunction('codeAutomationLog', (type, a) => log.line('workbench', type, format(...(Array.isArray(a) ? a : [a]))));
await page.exposeFunction('codeAutomationExit', async (code) => {
  clearTimeout(timer);
  await finish(code);
});
const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
const payload = JSON.stringify([['extensionDevelopmentPath', remote(ext)], ['extensionTestsPath', remote(tests)], ['skipWelcome', 'true']]);
await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
log.line('host', 'info', `workbench loaded after ${elapsed()}`);

// The extension host logs to files of its own (where an extension's uncaught errors go), not to the
// workbench: their errors join the run's log once the run is over (their many warnings, about built-in
// extensions, would push the workbench's last lines out of the tail; they stay in the kept folder).
function readExtensionHostLogs() {
  for (const dir of [path.join(tmp, 'ud', 'logs'), path.join(tmp, 'sd')].filter((d) => fs.existsSync(d))) {
    for (const f of fs.readdirSync(dir, { recursive: true }).filter((n) => /exthost\.log$/i.test(n))) {
      for (const e of vscodeLogEntries(fs.readFileSync(path.join(dir, f), 'utf8'))) {
        if (e.level === 'error') log.line('exthost', e.level, e.text);
      }
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}
