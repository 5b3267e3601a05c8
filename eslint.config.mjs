// Lint: layering (src/core, src/cli and the settings file the CLI reads never import vscode),
// function size, and typescript-eslint's recommended rules.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const NO_VSCODE = 'This runs in plain Node (the engine, the CLI): only src/extension.ts and the adapters in src/vscode may import vscode.';

export default defineConfig(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test/fixtures/**'] },
  {
    files: ['src/**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
      // A callback that may run before a variable is assigned needs `let`: as a `const` it would throw.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/vscode/sharedSettingsFile.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: NO_VSCODE }],
      }],
      // no-restricted-imports sees static imports only; require() is refused by no-require-imports.
      'no-restricted-syntax': ['error', { selector: "ImportExpression[source.value='vscode']", message: NO_VSCODE }],
    },
  },
);
