import * as assert from 'assert';
import * as vscode from 'vscode';
import { askInChat, groundedApi, until } from '../integration/hostHelpers';

/**
 * Leaves `@grounded` answering a question about the opened repository on screen, for the README's
 * screenshot. The question comes from GROUNDED_SCREENSHOT_QUESTION (scripts/screenshot.sh sets it).
 */
describe('README screenshot', () => {
  it('answers a question about a real repository with linked citations', async function () {
    this.timeout(240_000);
    const question = process.env.GROUNDED_SCREENSHOT_QUESTION ?? 'how does this project handle errors?';
    const api = await groundedApi();
    assert.ok((await api.index.all[0].status()).chunks > 0, 'the repository is indexed');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const readme = (await vscode.workspace.findFiles('README*', undefined, 1))[0];
    if (readme) await vscode.commands.executeCommand('markdown.showPreview', readme);
    const before = api.lastChatTranscript();
    await askInChat(`@grounded ${question}`);
    const t = await until('the answer', async () => {
      const last = api.lastChatTranscript();
      return last && last !== before ? last : undefined;
    }, 60_000);
    assert.ok(t.anchors.some((a) => a.title === '[1]'), t.markdown);
    await new Promise((r) => setTimeout(r, 2000));
  });
});
