import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import { format } from 'util';

// The host's runner (test/host/hostLog.mjs, MOCHA_MARK) prints lines that start with this and sends the
// rest of the workbench log, which the extension host's console shares, to a file.
const MOCHA_MARK = '[grounded:mocha] ';

/** Runs every `*.test.js` in `dir` with mocha, rejecting when any fails (the host then exits non-zero). */
export function runMochaIn(dir: string): Promise<void> {
  markReportLines();
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed.`)) : resolve()));
  });
}

// Every reporter writes through Base.consoleLog (the spec reporter's tests, failures and counts).
function markReportLines(): void {
  const log = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = (...data: unknown[]) => log(MOCHA_MARK + format(...data));
}
