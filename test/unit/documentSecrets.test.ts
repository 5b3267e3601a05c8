import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { withDefaults } from '../../src/core/config';
import { readDocument } from '../../src/core/discovery/readDocument';
import { makeDocx, makePdf } from '../support/documentFixtures';
import { tokens } from '../support/fakeSecrets';
import { tempDir } from './helpers';

test('a token pasted into a Word document or a PDF keeps the document out, as it would a text file', async () => {
  const dir = tempDir();
  const token = tokens.github();
  fs.writeFileSync(path.join(dir, 'handover.docx'), makeDocx([{ text: 'Handover', style: 'Heading1' }, { text: `Deploy token: ${token}` }]));
  fs.writeFileSync(path.join(dir, 'handover.pdf'), makePdf([[{ text: 'Handover', size: 18 }, { text: `Deploy token: ${token}`, size: 11 }]]));
  fs.writeFileSync(path.join(dir, 'plain.docx'), makeDocx([{ text: 'Handover', style: 'Heading1' }, { text: 'Ask the on-call engineer.' }]));
  for (const name of ['handover.docx', 'handover.pdf']) {
    const read = await readDocument(path.join(dir, name), withDefaults({}));
    assert.ok(!read.ok && /looks like a secret \(GitHub token/.test(read.reason), `${name}: ${JSON.stringify(read).slice(0, 200)}`);
    assert.ok(!JSON.stringify(read).includes(token), 'the reason never holds the secret');
  }
  assert.ok((await readDocument(path.join(dir, 'plain.docx'), withDefaults({}))).ok);
});
