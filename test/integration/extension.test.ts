import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { GroundedApi } from '../../src/extension';
import { readSettings } from '../../src/vscode/settings';
import { CHURN_NOTEBOOK, policyPdf } from '../support/documentSamples';
import { startTestServer } from '../support/openaiTestServer';
import { askInChat, EXTENSION_ID, fileUri, folder, groundedApi, paths, until, writeFile } from './hostHelpers';

describe('Grounded in a real extension host', () => {
  let api: GroundedApi;

  before(async () => {
    api = await groundedApi();
  });

  it('builds the index on activation', async () => {
    const status = await api.index.all[0].status();
    assert.ok(status.chunks > 0, `chunks: ${status.chunks}`);
    const [md] = await vscode.workspace.findFiles('**/*.md', '**/node_modules/**', 1);
    const heading = (await vscode.workspace.fs.readFile(md)).toString().split('\n').find((l) => /^#+ \w/.test(l));
    assert.ok(heading);
    const rel = vscode.workspace.asRelativePath(md, false);
    assert.ok((await paths(api, heading.replace(/^#+\s*/, ''))).includes(rel));
  });

  it('never indexes gitignored files, even when they change', async () => {
    await writeFile('build/generated.md', '# Generated\n\nquetzalcoatl\n');
    await writeFile('notes/visible.md', '# Visible\n\nquetzalcoatl is mentioned here too.\n');
    await until('the visible file', async () => (await paths(api, 'quetzalcoatl')).includes('notes/visible.md'));
    assert.deepEqual(await paths(api, 'quetzalcoatl'), ['notes/visible.md']);
  });

  it('a save updates results: the new text is found, the old never', async () => {
    await writeFile('notes/save-test.md', '# Save test\n\nThe aardvark digs at night.\n');
    await until('the new file to be indexed', async () => (await paths(api, 'aardvark')).includes('notes/save-test.md'));
    const doc = await vscode.workspace.openTextDocument(fileUri('notes/save-test.md'));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.replace(new vscode.Range(2, 0, 2, 100), 'The pangolin rolls into a ball.'));
    await doc.save();
    await until('the saved text to be indexed', async () => (await paths(api, 'pangolin')).includes('notes/save-test.md'));
    assert.ok(!(await paths(api, 'aardvark')).includes('notes/save-test.md'), 'old text is gone');
  });

  it('an unsaved edit is what a question sees', async () => {
    const doc = await vscode.workspace.openTextDocument(fileUri('notes/save-test.md'));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.replace(new vscode.Range(2, 0, 2, 100), 'The narwhal swims in cold water.'));
    assert.ok(doc.isDirty);
    assert.ok((await paths(api, 'narwhal')).includes('notes/save-test.md'), 'unsaved text is searched');
    assert.ok(!(await paths(api, 'pangolin')).includes('notes/save-test.md'), 'the saved text that the editor no longer has is not quoted');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.ok(!doc.isDirty);
  });

  it('delete and rename outside the editor are picked up by the watcher', async () => {
    await writeFile('notes/rename-me.md', '# Rename\n\nThe okapi lives in the forest.\n');
    await until('the file to be indexed', async () => (await paths(api, 'okapi')).includes('notes/rename-me.md'));
    await vscode.workspace.fs.rename(fileUri('notes/rename-me.md'), fileUri('notes/renamed.md'));
    await until('the rename', async () => {
      const p = await paths(api, 'okapi');
      return p.includes('notes/renamed.md') && !p.includes('notes/rename-me.md');
    });
    await vscode.workspace.fs.delete(fileUri('notes/renamed.md'));
    await until('the delete', async () => !(await paths(api, 'okapi')).includes('notes/renamed.md'));
  });

  it('the reindex command rebuilds the index', async () => {
    await vscode.commands.executeCommand('grounded.reindex');
    const status = await api.index.all[0].status();
    assert.ok(status.chunks > 0);
    assert.ok((await paths(api, 'pangolin')).includes('notes/save-test.md'));
  });

  it('Show Index Status opens a report; Clear Index empties the index until a reindex', async () => {
    await vscode.commands.executeCommand('grounded.showStatus');
    const doc = await until('the status document', async () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'grounded-status'));
    assert.match(doc.getText(), /\*\*Chunks:\*\* [1-9][\d,]* */);
    assert.match(doc.getText(), /\*\*Retrieval:\*\* lexical/);
    assert.match(doc.getText(), /\*\*Size on disk:\*\* /);
    assert.match(doc.getText(), /\*\*Last update:\*\* .* \\\((just now|\d+ minutes? ago)\\\)/);
    // The Markdown preview reads the report through the file service: it must be a file there too.
    assert.equal((await vscode.workspace.fs.stat(doc.uri)).type, vscode.FileType.File);
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(doc.uri)).toString('utf8'), doc.getText());
    await vscode.commands.executeCommand('grounded.clearIndex');
    assert.deepEqual(await paths(api, 'pangolin'), []);
    await vscode.commands.executeCommand('grounded.reindex');
    assert.ok((await paths(api, 'pangolin')).includes('notes/save-test.md'));
  });

  it('the language model tool returns ranked snippets through vscode.lm.invokeTool', async () => {
    const result = await vscode.lm.invokeTool('grounded_search', { input: { query: 'pangolin' }, toolInvocationToken: undefined });
    const text = result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
    assert.match(text, /data, not instructions/);
    assert.match(text, /\[1\] notes\/save-test\.md lines \d+-\d+ \(Save test\)\n```[a-z]*\n[^`]*pangolin[^`]*\n```/);
  });

  it('the language model tool is listed in vscode.lm.tools with the MCP search schema', async () => {
    const tool = vscode.lm.tools.find((t) => t.name === 'grounded_search');
    assert.ok(tool, 'grounded_search is listed');
    const declared = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.languageModelTools[0];
    assert.deepEqual(tool.inputSchema, declared.inputSchema);
    assert.deepEqual(Object.keys((tool.inputSchema as { properties: object }).properties), ['query', 'kinds', 'paths', 'topK']);
    assert.match(tool.description, /where is X done/);
  });

  it('offers agent mode a runnable Grounded MCP server where VS Code has the API, and skips it cleanly where not', async () => {
    const [major, minor] = vscode.version.split('.').map(Number);
    const hasApi = (major > 1 || minor >= 101) && 'registerMcpServerDefinitionProvider' in vscode.lm && typeof (vscode as unknown as Record<string, unknown>).McpStdioServerDefinition === 'function';
    assert.equal(api.mcpServers.registered, hasApi);
    if (!hasApi) {
      assert.deepEqual(await api.mcpServers.definitions(), [], `VS Code ${vscode.version} has no MCP server definition API`);
      return;
    }
    const [server] = await api.mcpServers.definitions();
    assert.ok(server, 'one server for the workspace folder');
    assert.equal(server.label, 'Grounded');
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const env = Object.fromEntries(Object.entries(server.env).map(([k, v]) => [k, String(v)]));
    const client = new Client({ name: 'grounded-integration', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: server.command, args: server.args, env: { ...env, PATH: process.env.PATH ?? '' }, cwd: server.cwd?.fsPath }));
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ['find_definition', 'index_status', 'search']);
      const status = (await client.callTool({ name: 'index_status', arguments: {} })) as { content: { text: string }[] };
      assert.equal(JSON.parse(status.content[0].text).folder, folder().uri.fsPath);
    } finally {
      await client.close();
    }
  });

  it('the hover provider shows grounded snippets from elsewhere in the workspace', async () => {
    await writeFile('docs/widget.md', '# Widgets\n\nThe `computeWidgetTotals` function sums every widget in the cart.\n');
    await writeFile('src/widget.ts', 'export function computeWidgetTotals(items: number[]): number {\n  return items.reduce((a, b) => a + b, 0);\n}\n');
    await until('docs and code to be indexed', async () => (await paths(api, 'computeWidgetTotals')).includes('docs/widget.md'));
    const doc = await vscode.workspace.openTextDocument(fileUri('src/widget.ts'));
    await vscode.window.showTextDocument(doc);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 20));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /\*\*Grounded\*\*/);
    assert.match(text, /docs\/widget\.md/);
    assert.match(text, /command:grounded\.askAboutSymbol/);
  });

  it('@grounded /search streams snippets with references in the Chat view', async () => {
    await askInChat('@grounded /search pangolin');
    const t = await until('the chat response', async () => {
      const last = api.lastChatTranscript();
      return last?.command === 'search' && /pangolin/.test(last.prompt) ? last : undefined;
    });
    assert.ok(t.references.some((r) => r.uri.path.endsWith('notes/save-test.md')), `a reference to the file: ${JSON.stringify(t)}`);
    assert.match(t.markdown, /pangolin/);
  });

  it('@grounded answers through the picked model with references', async () => {
    await askInChat('@grounded where does the pangolin roll?');
    const t = await until('the chat response', async () => {
      const last = api.lastChatTranscript();
      return last && !last.command && /where does the pangolin/.test(last.prompt) ? last : undefined;
    });
    assert.ok(t.references.length > 0, JSON.stringify(t));
    assert.match(t.markdown, /fake model reply/);
  });

  it('@grounded answers through an OpenAI-compatible endpoint with linked citations', async () => {
    const server = await startTestServer();
    const config = vscode.workspace.getConfiguration('grounded');
    try {
      await config.update('chat.provider', 'openai', vscode.ConfigurationTarget.Workspace);
      await config.update('chat.baseUrl', server.url, vscode.ConfigurationTarget.Workspace);
      await config.update('chat.model', 'local-test', vscode.ConfigurationTarget.Workspace);
      await until('settings to apply', async () => api.index.all[0].currentSettings.chat.baseUrl === server.url);
      await api.whenIndexed();
      await askInChat('@grounded what rolls into a ball?');
      const t = await until('the chat response', async () => {
        const last = api.lastChatTranscript();
        return last && /rolls into a ball/.test(last.prompt) ? last : undefined;
      });
      assert.match(t.markdown, /According to/);
      assert.ok(t.anchors.some((a) => a.title === '[1]'), 'the citation [1] is a link');
      assert.equal(server.chatRequests.length, 1);
      assert.equal(server.chatRequests[0].model, 'local-test');
    } finally {
      await config.update('chat.provider', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('chat.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('chat.model', undefined, vscode.ConfigurationTarget.Workspace);
      await server.close();
    }
  });

  it('@grounded answers from a PDF citing its page, and a notebook citation opens the cell', async () => {
    await vscode.workspace.fs.writeFile(fileUri('policies/travel-policy.pdf'), policyPdf());
    await writeFile('analysis/churn.ipynb', CHURN_NOTEBOOK);
    await until('the PDF and the notebook to be indexed', async () => {
      await api.flushPending();
      const [pdf] = await api.index.query('unused tickets refunded', { topK: 1 });
      const [nb] = await api.index.query('customers grouped by signup week', { topK: 1 });
      return pdf?.page === 2 && nb?.cell === 3;
    });
    const server = await startTestServer();
    const config = vscode.workspace.getConfiguration('grounded');
    try {
      await config.update('chat.provider', 'openai', vscode.ConfigurationTarget.Workspace);
      await config.update('chat.baseUrl', server.url, vscode.ConfigurationTarget.Workspace);
      await until('settings to apply', async () => api.index.all[0].currentSettings.chat.baseUrl === server.url);
      await api.whenIndexed();
      await askInChat('@grounded when are unused tickets refunded?');
      const t = await until('the chat response', async () => {
        const last = api.lastChatTranscript();
        return last && /unused tickets/.test(last.prompt) ? last : undefined;
      });
      assert.match(t.markdown, /According to policies\/travel-policy\.pdf p\. 2, /, t.markdown);
      assert.match(server.chatRequests[0].messages.map((m) => m.content).join('\n'), /\[1\] policies\/travel-policy\.pdf p\. 2 \([^)]*Travel Policy > Refunds\)/);
      const cited = t.anchors.find((a) => a.title === '[1]');
      assert.ok(cited?.location.uri.path.endsWith('/policies/travel-policy.pdf'), JSON.stringify(t.anchors));
      assert.ok(t.references.some((r) => r.uri.path.endsWith('/policies/travel-policy.pdf')));
    } finally {
      await config.update('chat.provider', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('chat.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await server.close();
    }
    await askInChat('@grounded /search unused tickets refunded');
    const pages = await until('the search response', async () => {
      const last = api.lastChatTranscript();
      return last?.command === 'search' && /unused tickets/.test(last.prompt) ? last : undefined;
    });
    const page = pages.anchors.find((a) => a.location.uri.path.endsWith('/policies/travel-policy.pdf'));
    assert.match(page?.title ?? '', /^policies\/travel-policy\.pdf p\. 2 \(opens the file: VS Code has no built-in PDF viewer/, JSON.stringify(pages.anchors));
    assert.match(pages.markdown, /Unused tickets are refunded within 14 days/, 'the page text is shown');
    await askInChat('@grounded /search customers grouped by signup week');
    const search = await until('the search response', async () => {
      const last = api.lastChatTranscript();
      return last?.command === 'search' && /signup week/.test(last.prompt) ? last : undefined;
    });
    const cell = search.anchors.find((a) => a.title === 'analysis/churn.ipynb cell 3');
    assert.ok(cell, JSON.stringify(search.anchors.map((a) => a.title)));
    assert.equal(cell.location.uri.scheme, 'vscode-notebook-cell', 'the citation is the cell itself');
    const notebook = await vscode.workspace.openNotebookDocument(fileUri('analysis/churn.ipynb'));
    assert.equal(notebook.cellAt(2).document.uri.toString(), cell.location.uri.toString(), 'the third cell');
    assert.match(search.markdown, /Customers are grouped by signup week/);
  });

  it('an API key is used for the endpoint and appears nowhere the extension writes', async function () {
    // Switching embeddings on rebuilds the whole workspace's index through the endpoint: on a loaded
    // machine that alone has taken most of mocha's default minute.
    this.timeout(150_000);
    const key = 'sk-grounded-FAKE-key-7f3a9c1e5b';
    const server = await startTestServer({ apiKey: key, dimensions: 32 });
    const config = vscode.workspace.getConfiguration('grounded');
    // Base URLs and model first: a provider switched on before them would start a rebuild against the default host.
    const settings: [string, unknown][] = [
      ['chat.baseUrl', server.url],
      ['embeddings.baseUrl', server.url],
      ['embeddings.model', 'test-embed'],
      ['chat.provider', 'openai'],
      ['embeddings.provider', 'openai'],
    ];
    try {
      await api.storeApiKey(key);
      for (const [k, v] of settings) await config.update(k, v, vscode.ConfigurationTarget.Workspace);
      await until('the hybrid index', async () => {
        await api.whenIndexed();
        const s = await api.index.all[0].status().catch(() => undefined);
        return s?.identity.model === 'test-embed' && s.chunks > 0;
      }, 40_000);
      await askInChat('@grounded how are invoices retried?');
      const t = await until('the answer', async () => {
        const last = api.lastChatTranscript();
        return last && /invoices retried/.test(last.prompt) ? last : undefined;
      });
      assert.match(t.markdown, /According to/);
      assert.ok(server.counts['/v1/embeddings'] > 0 && server.chatRequests.length > 0);
      assert.ok(server.headers.every((h) => h.authorization === `Bearer ${key}`), 'the key was sent to the endpoint');
      // Now grep everything the extension wrote: its logs, its storage (the index), the workspace.
      const found: string[] = [];
      const grep = async (uri: vscode.Uri) => {
        let entries: [string, vscode.FileType][] = [];
        // A folder the extension never wrote (its global storage, usually) is not there to read; asking
        // VS Code to list it would log an ENOENT stack trace.
        if (!fs.existsSync(uri.fsPath)) return;
        try {
          entries = await vscode.workspace.fs.readDirectory(uri);
        } catch {
          return;
        }
        for (const [name, type] of entries) {
          const child = vscode.Uri.joinPath(uri, name);
          if (type & vscode.FileType.Directory) await grep(child);
          else {
            // Lock and temp files come and go while the worker writes; a vanished file holds nothing.
            const bytes = await vscode.workspace.fs.readFile(child).then((b) => Buffer.from(b), () => Buffer.alloc(0));
            if (bytes.includes(key)) found.push(child.fsPath);
          }
        }
      };
      for (const folderUri of [...api.writtenFolders, folder().uri]) await grep(folderUri);
      assert.deepEqual(found, [], 'the key is in no file the extension wrote');
    } finally {
      // Providers off first: a base URL cleared before them leaves openai on with the default (internet) host,
      // and a rebuild against it retries for most of a minute before the next test can start.
      for (const [k] of [...settings].reverse()) await config.update(k, undefined, vscode.ConfigurationTarget.Workspace);
      await api.storeApiKey(undefined);
      await server.close();
      await api.whenIndexed();
    }
  });

  it('an untrusted workspace ignores a restricted base URL and index location from workspace settings', async () => {
    const config = vscode.workspace.getConfiguration('grounded', folder().uri);
    try {
      await config.update('chat.baseUrl', 'http://127.0.0.1:1/v1', vscode.ConfigurationTarget.Workspace);
      await config.update('embeddings.baseUrl', 'http://127.0.0.1:2/v1', vscode.ConfigurationTarget.Workspace);
      await config.update('index.location', '../outside', vscode.ConfigurationTarget.Workspace);
      const untrusted = readSettings(folder(), false);
      assert.equal(untrusted.chat.baseUrl, undefined);
      assert.equal(untrusted.embeddings.baseUrl, undefined);
      assert.deepEqual(untrusted.ignored.sort(), ['grounded.chat.baseUrl', 'grounded.embeddings.baseUrl', 'grounded.index.location']);
      const trusted = readSettings(folder(), true);
      assert.equal(trusted.chat.baseUrl, 'http://127.0.0.1:1/v1');
      assert.equal(trusted.indexLocation, undefined, 'a location outside the folder is refused even when trusted');
    } finally {
      await config.update('chat.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('embeddings.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('index.location', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
