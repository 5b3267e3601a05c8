import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GroundedApi } from '../../src/extension';

/**
 * `grounded.index.location` can come with the repository (`.vscode/settings.json`): a location that
 * is source code, another tool's folder or a link is refused, and Clear Index then deletes nothing.
 */
async function groundedApi(): Promise<GroundedApi> {
  const api = await vscode.extensions.getExtension<GroundedApi>('grounded-labs.grounded')!.activate();
  assert.ok(api);
  await api.whenIndexed();
  return api;
}

async function refusal(api: GroundedApi, expected: RegExp): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const error = await api.index.all[0].status().then(() => undefined, (err: Error) => err.message);
    if (error && expected.test(error)) return error;
    if (Date.now() > deadline) throw new Error(`the location was not refused with ${expected} (last: ${error ?? 'no error'})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('An index location from the workspace settings', () => {
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const config = () => vscode.workspace.getConfiguration('grounded', vscode.workspace.workspaceFolders![0].uri);
  const tree = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort();

  afterEach(async () => {
    await config().update('index.location', undefined, vscode.ConfigurationTarget.Workspace);
    await (await groundedApi()).whenIndexed();
  });

  it('is refused when it holds source files, and Clear Index leaves them all', async () => {
    const api = await groundedApi();
    const before = tree(path.join(root(), 'src'));
    await config().update('index.location', 'src', vscode.ConfigurationTarget.Workspace);
    await refusal(api, /not a Grounded index folder/);
    await vscode.commands.executeCommand('grounded.clearIndex');
    assert.deepEqual(tree(path.join(root(), 'src')), before);
  });

  it('is refused when it is .vscode or a link that leads outside', async () => {
    const api = await groundedApi();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'grounded-outside-'));
    fs.writeFileSync(path.join(outside, 'keep.txt'), 'precious');
    fs.symlinkSync(outside, path.join(root(), 'linked-index'));
    try {
      await config().update('index.location', '.vscode', vscode.ConfigurationTarget.Workspace);
      await refusal(api, /belongs to another tool; refused/);
      await config().update('index.location', 'linked-index', vscode.ConfigurationTarget.Workspace);
      await refusal(api, /symbolic link .*refused/);
      // The MCP server gets `--index-dir`, which the CLI trusts: no server is offered into the link.
      const servers = await api.mcpServers.definitions();
      assert.ok(servers.every((s) => !s.args.some((a) => a.includes('linked-index'))), JSON.stringify(servers.map((s) => s.args)));
      await vscode.commands.executeCommand('grounded.clearIndex');
      assert.deepEqual(fs.readdirSync(outside), ['keep.txt']);
    } finally {
      fs.rmSync(path.join(root(), 'linked-index'));
    }
  });
});
