import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';

/** Runs every `*.test.js` in `dir` with mocha, rejecting when any fails (the host then exits non-zero). */
export function runMochaIn(dir: string): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(path.join(dir, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed.`)) : resolve()));
  });
}
