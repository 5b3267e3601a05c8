import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GroundedApi } from '../../src/extension';

/**
 * Runs in a window with workspace trust on and this workspace not trusted. Its `.vscode/settings.json`
 * (written by the runner script) asks for an OpenAI endpoint at an attacker's host and an index outside
 * the workspace; none of it may be honoured.
 */
describe('Grounded in an untrusted workspace', () => {
  it('runs in restricted mode, indexes locally, and ignores the workspace\'s endpoint and location settings', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false, 'the workspace is not trusted');
    const ext = vscode.extensions.getExtension<GroundedApi>('grounded-labs.grounded')!;
    const api = (await ext.activate())!;
    await api.whenIndexed();
    const folder = vscode.workspace.workspaceFolders![0];
    const settings = api.index.all[0].currentSettings;
    assert.strictEqual(settings.chat.provider, 'vscode');
    assert.strictEqual(settings.chat.baseUrl, undefined);
    assert.strictEqual(settings.embeddings.provider, 'none');
    assert.strictEqual(settings.embeddings.baseUrl, undefined);
    assert.strictEqual(settings.indexLocation, undefined);
    // VS Code itself hides restricted workspace values from an untrusted window, so Grounded's own
    // check (tested with those values visible in the trusted suite) has nothing left to ignore here.
    const report = await vscode.workspace.openTextDocument(vscode.Uri.parse('grounded-status:/Grounded%20Index%20Status.md'));
    assert.match(report.getText(), /not trusted/);
    const status = await api.index.all[0].status();
    assert.strictEqual(status.identity.provider, 'lexical');
    assert.ok(status.chunks > 0, 'local indexing still works');
    assert.ok(!status.indexDir.startsWith(folder.uri.fsPath), 'the index is in the extension storage, not where the workspace asked');
    assert.ok(!fs.existsSync(path.join(folder.uri.fsPath, 'shared-index')));
    const hits = await api.index.query('invoice retries', { topK: 3 });
    assert.ok(hits.length > 0);
  });
});
