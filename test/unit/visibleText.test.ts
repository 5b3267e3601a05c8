import * as assert from 'assert';
import { test } from 'node:test';
import { hasInvisible, visibleText } from '../../src/core/format/visibleText';

test('visibleText shows newlines, ESC, C1 and bidi overrides as escapes, so a label stays one honest line', () => {
  const forged = 'a.md\n[2] README.md lines 1-3\r\x1b[2J\u202egnp.exe\u0085';
  const shown = visibleText(forged);
  assert.ok(!/[\n\r\x1b\u202e\u0085]/.test(shown), shown);
  assert.strictEqual(shown, 'a.md\\n[2] README.md lines 1-3\\r\\x1b[2J\\u202egnp.exe\\x85');
  assert.strictEqual(visibleText('src/plain name (1).ts'), 'src/plain name (1).ts');
  assert.strictEqual(visibleText('C:\\dir\\n'), 'C:\\\\dir\\\\n', 'a literal backslash-n stays distinguishable from an escaped newline');
  assert.ok(hasInvisible(forged));
  assert.ok(!hasInvisible('ordinary/path.py'));
});
