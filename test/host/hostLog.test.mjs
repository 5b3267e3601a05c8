// The integration runner's routing of host output (hostLog.mjs), checked on lines the hosts really print.
// scripts/test-integration.sh runs it before starting any host: node --test test/host/hostLog.test.mjs
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { classify, MOCHA_MARK, vscodeLogEntries } from './hostLog.mjs';

test("the mocha report is the report; VS Code's own chatter only goes to the log", () => {
  assert.equal(classify('workbench', 'info', `${MOCHA_MARK}    ✔ builds the index on activation (873ms)`), 'report');
  assert.equal(classify('workbench', 'info', `${MOCHA_MARK}  1) Grounded in a real extension host`), 'report');
  for (const [source, level, text] of [
    ['workbench', 'info', '[AgentHost] No signed-in session resolved for resource: https://api.github.com'],
    ['workbench', 'info', '[ChatModelSelection] event=no-model-at-toolbar-build surface="workbench" sessionKey=undefined'],
    ['workbench', 'error', "[Service Worker] registration [Error [TypeError]: Failed to register a ServiceWorker for scope ('http://127.0.0.1:44325/')"],
    ['workbench', 'error', "Timed out waiting for authentication provider 'github' to register.\n    at n6t.W (http://127.0.0.1:4/workbench.js:1:2)"],
    ['workbench', 'info', 'Ignoring fetching additional builtin extensions from gallery as it is disabled.'],
    ['workbench', 'info', "Extension 'grounded-labs.grounded' activated"],
    ['server', 'stdout', '[13:10:31] Loading development extension at /tmp/grounded-it-gv0bvy/vsix/extension'],
    // A warning of the extension host's log that merely lists the extensions' folders.
    ['exthost', 'warn', "Could not identify extension for 'vscode' require call from file:///w/out/test/integration/extension.test.js. These are the extension path mappings: \n\tfile:///tmp/grounded-it-e7ALpK/vsix/extension -> grounded-labs.grounded"],
    // An error notification a test provokes on purpose reaches only the browser console.
    ['browser', 'error', 'Grounded: the index was not cleared: The index location linked-index goes through the symbolic link linked-index; refused.'],
  ]) assert.equal(classify(source, level, text), 'log', text);
});

test('errors of our extension, a dead extension host and a listener leak are shown in a green run too', () => {
  assert.equal(classify('workbench', 'error', "Activating extension 'grounded-labs.grounded' failed: boom"), 'show');
  assert.equal(classify('workbench', 'warn', 'Error: x\n    at /tmp/grounded-it-ab12/vsix/extension/dist/extension.js:1:2'), 'show');
  assert.equal(classify('exthost', 'error', 'Error: boom\n\tat n.value (/tmp/grounded-it-ab12/vsix/extension/dist/extension.js:1:2)'), 'show');
  assert.equal(classify('page', 'error', 'TypeError: x is undefined\n    at /tmp/grounded-it-ab12/vsix/extension/dist/extension.js:1:2'), 'show');
  assert.equal(classify('workbench', 'error', 'Extension host (Remote) terminated unexpectedly. Code: 1, Signal: null'), 'show');
  const leak = '(node:123) MaxListenersExceededWarning: Possible EventTarget memory leak detected. 11 abort listeners added to [AbortSignal]';
  assert.equal(classify('server', 'stderr', leak), 'show');
  assert.equal(classify('workbench', 'error', leak), 'show');
  assert.equal(classify('browser', 'error', `%c  ERR color: #f33 ${leak}`), 'log', 'the browser console repeats the workbench log');
});

test('a run writes every line to the log, prints the report to stdout and a problem to stderr, and keeps split lines whole', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostlog-test-'));
  const file = path.join(dir, 'host.log');
  const script = `
    import { openHostLog, MOCHA_MARK } from ${JSON.stringify(path.join(path.dirname(fileURLToPath(import.meta.url)), 'hostLog.mjs'))};
    const log = openHostLog(${JSON.stringify(file)});
    log.line('workbench', 'info', MOCHA_MARK + '  1) fails\\n     AssertionError: no');
    log.line('workbench', 'info', '[AgentHost] Connecting to remote agent host...');
    log.chunk('server', 'stderr', '(node:1) MaxListenersExc');
    log.chunk('server', 'stderr', 'eededWarning: 11 abort listeners\\nExtension host agent st');
    log.line('workbench', 'error', "Activating extension 'grounded-labs.grounded' failed");
    log.line('workbench', 'info', '[ChatModelSelection] ' + 'x'.repeat(1000));
    process.stdout.write('TAIL\\n' + log.tail(3) + '\\n');
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [report, tail] = r.stdout.split('TAIL\n');
  assert.equal(report, '  1) fails\n     AssertionError: no\n');
  assert.equal(r.stderr, "[server stderr] (node:1) MaxListenersExceededWarning: 11 abort listeners\n[workbench error] Activating extension 'grounded-labs.grounded' failed\n");
  assert.deepEqual(fs.readFileSync(file, 'utf8').split('\n'), [
    '[mocha]   1) fails',
    '[mocha]      AssertionError: no',
    '[workbench info] [AgentHost] Connecting to remote agent host...',
    '[server stderr] (node:1) MaxListenersExceededWarning: 11 abort listeners',
    "[workbench error] Activating extension 'grounded-labs.grounded' failed",
    `[workbench info] [ChatModelSelection] ${'x'.repeat(1000)}`,
    '[server stderr] Extension host agent st',
    '',
  ]);
  // The tail leaves out the report (on the terminal already), cuts long lines, and ends with the unfinished last line.
  const long = `[workbench info] [ChatModelSelection] ${'x'.repeat(1000)}`.slice(0, 400) + '…';
  assert.equal(tail, `[workbench error] Activating extension 'grounded-labs.grounded' failed\n${long}\n[server stderr] Extension host agent st\n`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the extension host's log file splits into entries, a stack staying with its entry", () => {
  const text = [
    "2026-12-01 13:18:33.391 [info] ExtensionService#_doActivateExtension grounded-labs.grounded, startup: false",
    "2026-12-01 13:18:33.621 [warning] Could not identify extension for 'vscode' require call",
    '\tfile:///tmp/grounded-it-e7ALpK/vsix/extension -> grounded-labs.grounded',
    '2026-12-01 13:19:06.359 [error] Error: grounded: a deliberate error thrown from an event listener',
    '\tat ed.value (/work/wt-quiet/out/test/integration/smoke.test.js:48:19)',
    '',
  ].join('\n');
  assert.deepEqual(vscodeLogEntries(text), [
    { level: 'info', text: 'ExtensionService#_doActivateExtension grounded-labs.grounded, startup: false' },
    { level: 'warn', text: "Could not identify extension for 'vscode' require call\n\tfile:///tmp/grounded-it-e7ALpK/vsix/extension -> grounded-labs.grounded" },
    { level: 'error', text: 'Error: grounded: a deliberate error thrown from an event listener\n\tat ed.value (/work/wt-quiet/out/test/integration/smoke.test.js:48:19)' },
  ]);
});
