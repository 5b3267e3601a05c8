import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { terminalErrorText } from '../../src/cli/terminalErrorText';
import { tempDir } from './helpers';

test('a failed file operation reads as a sentence naming the path; other errors keep their message', async () => {
  const file = path.join(tempDir(), 'plain-file');
  fs.writeFileSync(file, 'x');
  const mkdirErr = await fs.promises.mkdir(path.join(file, 'below')).catch((e: unknown) => e);
  assert.equal(terminalErrorText(mkdirErr), `a file is where a folder should be: ${path.join(file, 'below')}`);
  const readErr = await fs.promises.readFile(path.join(file + '-gone')).catch((e: unknown) => e);
  assert.equal(terminalErrorText(readErr), `no such file or folder: ${file}-gone`);
  assert.equal(terminalErrorText(new Error('Incorrect API key: check the API key.')), 'Incorrect API key: check the API key.');
  assert.equal(terminalErrorText('plain'), 'plain');
});
