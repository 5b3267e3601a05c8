import assert from 'node:assert/strict';
import * as path from 'path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { REPO_ROOT } from './helpers';

// The project's own eslint.config.mjs, run on text placed where a source file would be.

async function ruleIds(relPath: string, text: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [result] = await eslint.lintText(text, { filePath: path.join(REPO_ROOT, relPath) });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

const IMPORTS_VSCODE = "import * as vscode from 'vscode';\nexport const version = vscode.version;\n";

test('src/core and src/cli may not import vscode; src/vscode may', async () => {
  assert.deepEqual(await ruleIds('src/core/planted.ts', IMPORTS_VSCODE), ['@typescript-eslint/no-restricted-imports']);
  assert.deepEqual(await ruleIds('src/cli/planted.ts', IMPORTS_VSCODE), ['@typescript-eslint/no-restricted-imports']);
  assert.deepEqual(await ruleIds('src/core/planted.ts', "import type { Uri } from 'vscode';\nexport type U = Uri;\n"), ['@typescript-eslint/no-restricted-imports']);
  assert.deepEqual(await ruleIds('src/core/planted.ts', "export const load = () => import('vscode');\n"), ['no-restricted-syntax']);
  assert.deepEqual(await ruleIds('src/core/planted.ts', "export const load = () => require('vscode');\n"), ['@typescript-eslint/no-require-imports']);
  assert.deepEqual(await ruleIds('src/vscode/planted.ts', IMPORTS_VSCODE), []);
});

test('a function over 60 lines of code fails; blank lines and comments do not count', async () => {
  const fn = (body: string[]) => `export function f(): number {\n  let n = 0;\n${body.join('\n')}\n  return n;\n}\n`;
  const statements = (k: number) => Array.from({ length: k }, () => '  n++;');
  // 3 lines of frame (signature, `let`, `return`) + the closing brace: 56 statements make 60 lines.
  assert.deepEqual(await ruleIds('src/core/planted.ts', fn(statements(56))), []);
  assert.deepEqual(await ruleIds('src/core/planted.ts', fn(statements(57))), ['max-lines-per-function']);
  const padded = statements(56).flatMap((line) => [line, '', '  // why']);
  assert.deepEqual(await ruleIds('src/core/planted.ts', fn(padded)), []);
});
