// The same integration suite on a VS Code desktop build that @vscode/test-electron downloads: for
// machines that can reach the VS Code update service (CI here cannot; it uses test/host/ instead).
// npm run build && npm run compile-tests && node scripts/test-electron.js [--version 1.100.3]
const fs = require('fs');
const os = require('os');
const path = require('path');
const { runTests } = require('@vscode/test-electron');

async function main() {
  const root = path.resolve(__dirname, '..');
  const i = process.argv.indexOf('--version');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'grounded-ws-'));
  fs.cpSync(path.join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
  try {
    await runTests({
      version: i > 0 ? process.argv[i + 1] : '1.100.3',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out/test/integration/index.js'),
      launchArgs: [workspace, '--disable-workspace-trust', '--disable-extensions'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
