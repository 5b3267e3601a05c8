import * as assert from 'assert';
import * as vscode from 'vscode';
import type { GroundedApi } from '../../src/extension';

/**
 * Checks of the test host itself: the extension under test is loaded and activates, its commands are
 * registered, the test-only chat stub (test/host/chat-host-stub) supplies a language model, and the
 * fixture workspace's gitignored build output stays out of the index. When these fail, look at the
 * host (test/host/) before the features.
 */
describe('Smoke: the extension host', () => {
  it('has grounded-labs.grounded, which activates', async () => {
    const ext = vscode.extensions.getExtension<GroundedApi>('grounded-labs.grounded');
    assert.ok(ext, 'the extension is loaded (engines.vscode must not be newer than the host, 1.100)');
    await ext.activate();
    assert.ok(ext.isActive);
  });

  it('registers grounded.showLog', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('grounded.showLog'), 'grounded.showLog is a registered command');
  });

  it('has a chat model from the test stub (grounded-tests.chathost)', async () => {
    // The stub activates on startup finished, which may come after the tests start.
    const deadline = Date.now() + 20_000;
    let models = await vscode.lm.selectChatModels();
    while (models.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      models = await vscode.lm.selectChatModels();
    }
    assert.ok(models.length > 0, 'vscode.lm.selectChatModels() returns a model (is the stub preinstalled with its proposed APIs enabled?)');
  });

  it('keeps the fixture workspace\'s gitignored files out of the index', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    // The fixture's own .gitignore hides these from git as well: they are committed with `git add -f`.
    for (const rel of ['build/invoicer.js', 'scratch/reconcile_experiment.py']) {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, ...rel.split('/'))).then(undefined, () => assert.fail(`test/fixtures/workspace/${rel} is missing (git add -f it)`));
    }
    const api = await vscode.extensions.getExtension<GroundedApi>('grounded-labs.grounded')!.activate();
    assert.ok(api, 'the test API is exported in test mode');
    await api.whenIndexed();
    const paths = async (q: string) => (await api.index.query(q, { topK: 20 })).map((r) => r.path);
    // build/ is also one of the built-in exclusions; scratch/ is excluded by .gitignore alone.
    const invoicer = await paths('computeInvoiceTotal runWithRetry');
    assert.ok(invoicer.includes('src/invoicer.ts'), `the source is found: ${JSON.stringify(invoicer)}`);
    assert.deepEqual(invoicer.filter((p) => p.startsWith('build/')), [], `nothing under build/ is indexed: ${JSON.stringify(invoicer)}`);
    const scratch = await paths('reconcile credit notes refunds');
    assert.deepEqual(scratch.filter((p) => p.startsWith('scratch/')), [], `scratch/ (gitignored) is not indexed: ${JSON.stringify(scratch)}`);
  });
});
