import * as assert from 'assert';
import * as vscode from 'vscode';
import type { GroundedApi } from '../../src/extension';
import type { ChatTranscript } from '../../src/vscode/chatParticipant';
import { followupsFor } from '../../src/vscode/chatParticipant';
import { progressText } from '../../src/vscode/statusReport';
import { startTestServer } from '../support/openaiTestServer';
import { fileUri, groundedApi, paths, until, writeFile } from './hostHelpers';

/** Sends `query` to the Chat view and waits for @grounded's transcript of it. */
async function ask(api: GroundedApi, query: string, timeoutMs = 30_000): Promise<ChatTranscript> {
  const before = api.lastChatTranscript();
  await vscode.commands.executeCommand('workbench.action.chat.open', { query, modelSelector: { vendor: 'test' } });
  const prompt = query.replace(/^@grounded\s+(\/\w+\s+)?/, '').trim();
  return until(`the answer to ${query}`, async () => {
    const t = api.lastChatTranscript();
    return t && t !== before && t.prompt.trim() === prompt ? t : undefined;
  }, timeoutMs);
}

async function logText(api: GroundedApi): Promise<string> {
  let text = '';
  const read = async (uri: vscode.Uri) => {
    for (const [name, type] of await vscode.workspace.fs.readDirectory(uri).then(undefined, () => [] as [string, vscode.FileType][])) {
      const child = vscode.Uri.joinPath(uri, name);
      if (type & vscode.FileType.Directory) await read(child);
      else if (name.endsWith('.log')) text += Buffer.from(await vscode.workspace.fs.readFile(child)).toString('utf8');
    }
  };
  await read(api.writtenFolders[0]);
  return text;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

describe('What a VS Code user sees (issue #12)', () => {
  let api: GroundedApi;

  before(async () => {
    api = await groundedApi();
    await writeFile('docs/tapir.md', '# Tapirs\n\nThe tapir forages at dusk near rivers.\n\n## Diet\n\nA tapir eats leaves and fruit.\n');
    await until('the tapir doc', async () => (await paths(api, 'tapir forages')).includes('docs/tapir.md'));
  });

  it('streams an answer split anywhere inside citations without repeating text; references are what it cited', async () => {
    const pieces = ['The tapir forages at dusk [', '1]. It eats leaves [', '1', '] and [9', '99] is none, [x', '] neither', ' [', '1].'];
    const t = await ask(api, `@grounded what does the tapir do? pieces=${JSON.stringify(pieces)}`);
    assert.equal(t.markdown, 'The tapir forages at dusk [1]. It eats leaves [1] and [999] is none, [x] neither [1].');
    assert.equal(t.anchors.length, 3);
    assert.equal(t.references.length, 1, `one snippet cited, one reference: ${t.references.map((r) => r.uri.path)}`);
  });

  it('"Answer this from the snippets" after /search asks for an answer, not /search again', async () => {
    const [followup] = followupsFor({ command: 'search', question: 'where does the tapir forage?' });
    assert.equal(followup.label, 'Answer this from the snippets');
    assert.equal(followup.command, 'answer');
    const t = await ask(api, `@grounded /${followup.command} ${followup.prompt}`);
    assert.equal(t.command, 'answer');
    assert.match(t.markdown, /fake model reply/);
    assert.ok(!t.markdown.includes('```'), 'an answer, not the snippet listing');
  });

  it('/search quotes snippets (no code block, so no Apply in Editor) with links, and marks an unsaved editor', async () => {
    const doc = await vscode.workspace.openTextDocument(fileUri('docs/tapir.md'));
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(2, 0), 'The tapir swims in the okavango.\n'));
    try {
      const direct = await api.index.query('tapir okavango', { topK: 3 });
      assert.ok(direct.length > 0 && direct.every((r) => r.path === 'docs/tapir.md' && r.unsaved), JSON.stringify(direct));
      const t = await ask(api, '@grounded /search tapir okavango');
      assert.ok(!t.markdown.includes('```'), t.markdown);
      assert.match(t.markdown, /^> .*okavango/m);
      assert.ok(t.anchors.some((a) => a.title?.startsWith('docs/tapir.md:')), 'linked to path:lines');
      // Current VS Code saves dirty editors when a chat request is sent (seen on 1.139: dirty before,
      // saved after), so there the quote is of the saved file; 1.100 leaves the editor unsaved.
      if (vscode.version.startsWith('1.100.') || doc.isDirty) assert.match(t.markdown, /docs\/tapir\.md:\d+-\d+ \(unsaved\)/);
      else assert.doesNotMatch(t.markdown, /\(unsaved\)/, 'a saved file is not marked unsaved');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('an empty index says so with a Reindex button; Clear leaves a line in the log', async () => {
    // Current VS Code saved the previous test's edit when its chat request was sent: that save's update
    // must land before Clear, or it refills the index just cleared.
    await api.flushPending();
    await new Promise((r) => setTimeout(r, 1000));
    await api.flushPending();
    await vscode.commands.executeCommand('grounded.clearIndex');
    const t = await ask(api, '@grounded where does the tapir forage?');
    assert.match(t.markdown, /index is empty/);
    assert.ok(!/Try other words/.test(t.markdown));
    assert.deepEqual(t.buttons, ['grounded.reindex']);
    await vscode.commands.executeCommand('grounded.reindex');
    assert.ok((await paths(api, 'tapir forages')).includes('docs/tapir.md'));
    await until('the clear in the log', async () => /Index cleared at/.test(await logText(api)));
  });

  it('while the first index is being built, an answer says how far it is and uses what is there', async () => {
    const f = api.index.all[0];
    // Paused, a first build is held at its gate before the first file: a first index caught mid-way.
    await vscode.commands.executeCommand('grounded.pauseIndexing');
    await f.clear();
    // The catch-up run after Resume replaces this one, which then ends with an AbortError.
    const build = f.reconcile().catch(() => undefined);
    try {
      await until('the build to start', async () => f.indexing);
      const t = await ask(api, '@grounded where does the tapir forage?');
      assert.match(t.markdown, /The index is still being built \((finding files|\d+\/\d+ files)\): this answer uses what is indexed so far/);
      assert.ok(!/index is empty/.test(t.markdown));
    } finally {
      await vscode.commands.executeCommand('grounded.resumeIndexing');
      await build;
    }
    assert.ok((await paths(api, 'tapir forages')).includes('docs/tapir.md'));
  });

  it('the progress count is one: the status bar shows what the reindex notification reads', async () => {
    const f = api.index.all[0];
    const seen: string[] = [];
    const off = f.onProgressOnce(() => {
      if (f.indexing && f.progress?.total) seen.push(`${api.statusBarText()} | ${progressText(f.progress)}`);
    });
    try {
      await vscode.commands.executeCommand('grounded.reindex');
    } finally {
      off();
    }
    assert.ok(seen.length > 0, 'progress was reported');
    for (const s of seen) {
      const [bar, count] = s.split(' | ');
      assert.ok(bar.endsWith(count), s);
    }
  });

  it('Pause shows, holds saves in a queue, survives in the workspace state, makes Reindex ask, and Resume catches up', async () => {
    const f = api.index.all[0];
    const chunks = (await f.status()).chunks;
    await vscode.commands.executeCommand('grounded.pauseIndexing');
    try {
      assert.match(api.statusBarText(), /paused/);
      assert.equal(api.storedPause(), true);
      await writeFile('docs/paused.md', '# Paused\n\nThe capybara arrived while indexing was paused.\n');
      await until('the change to be queued', async () => api.queuedUpdates() > 0);
      assert.ok(!(await paths(api, 'capybara')).includes('docs/paused.md'), 'not indexed while paused');
      await vscode.commands.executeCommand('grounded.reindex');
      assert.equal((await f.status()).chunks, chunks, 'Reindex while paused does not run; it asks');
      assert.ok(f.paused);
      await vscode.commands.executeCommand('grounded.showStatus');
      await until('the status document to say paused', async () =>
        vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'grounded-status' && /\*\*State:\*\* paused/.test(d.getText())),
      );
    } finally {
      await vscode.commands.executeCommand('grounded.resumeIndexing');
    }
    assert.equal(api.storedPause(), undefined);
    const palette: { command: string; when?: string }[] = vscode.extensions.getExtension('grounded-labs.grounded')!.packageJSON.contributes.menus.commandPalette;
    assert.deepEqual(
      palette.filter((m) => /Indexing$/.test(m.command)),
      [
        { command: 'grounded.pauseIndexing', when: '!grounded.indexingPaused' },
        { command: 'grounded.resumeIndexing', when: 'grounded.indexingPaused' },
      ],
      'the palette offers Pause or Resume, by the context key the pause sets',
    );
    assert.ok(!/paused/.test(api.statusBarText()));
    await until('the queued change', async () => (await paths(api, 'capybara')).includes('docs/paused.md'));
    await until('pause and resume in the log', async () => {
      const log = await logText(api);
      return /Indexing paused/.test(log) && /Indexing resumed/.test(log);
    });
  });

  it('a save-time update leaves a debug line in the log', async () => {
    // LogLevel.Debug is 2, Info 3: the workbench's own command for the extension's log level.
    await vscode.commands.executeCommand('workbench.action.setDefaultLogLevel', 2, 'grounded-labs.grounded');
    try {
      const doc = await vscode.workspace.openTextDocument(fileUri('docs/tapir.md'));
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((e) => e.insert(new vscode.Position(2, 0), 'A tapir calf has stripes.\n'));
      await doc.save();
      await until('the save in the log', async () => /Updated docs\/tapir\.md in the index/.test(await logText(api)));
    } finally {
      await vscode.commands.executeCommand('workbench.action.setDefaultLogLevel', 3, 'grounded-labs.grounded');
    }
  });

  it('"Configure a model" opens the settings scope where the failing value is set', async () => {
    const server = await startTestServer();
    const config = vscode.workspace.getConfiguration('grounded');
    try {
      await config.update('chat.baseUrl', server.url, vscode.ConfigurationTarget.Workspace);
      await config.update('chat.model', 'no-such-model', vscode.ConfigurationTarget.Workspace);
      await config.update('chat.provider', 'openai', vscode.ConfigurationTarget.Workspace);
      await until('settings to apply', async () => api.index.all[0].currentSettings.chat.provider === 'openai');
      await api.whenIndexed();
      for (let i = 0; i < 5; i++) server.faults.push({ kind: 'status', status: 404, message: 'The model `no-such-model` does not exist.' });
      const t = await ask(api, '@grounded where does the tapir forage at dusk?');
      assert.ok(t.buttons.includes('workbench.action.openWorkspaceSettings'), JSON.stringify(t.buttons));
      assert.match(t.markdown, /> .*tapir/, 'the snippets instead, quoted');
      assert.ok(t.references.length <= 8, `the fallback's references only: ${t.references.length}`);
    } finally {
      for (const k of ['chat.provider', 'chat.baseUrl', 'chat.model']) await config.update(k, undefined, vscode.ConfigurationTarget.Workspace);
      await server.close();
    }
  });

  it('with a model and a workspace too big to send whole, the model first adds search terms, and they find what the words of the question do not', async () => {
    // The rewrite request holds the question alone; the answer's holds the snippets.
    const server = await startTestServer({ answer: (q) => (q.includes('Question:') ? `From ${/\[1\] (\S+)/.exec(q)?.[1]} [1].` : 'quagmire_ledger') });
    const config = vscode.workspace.getConfiguration('grounded');
    // Well over 70% of the endpoint's 12,000-token prompt (4 characters a token): searched, not sent whole.
    const filler = Array.from({ length: 900 }, (_, i) => `Paragraph ${i} of the almanac lists tides, moons and harvest dates.`).join('\n');
    try {
      await writeFile('docs/almanac.md', `# Almanac\n\n${filler}\n`);
      await writeFile('src/ledger.ts', 'export function quagmire_ledger(): number {\n  return 0;\n}\n');
      await config.update('chat.baseUrl', server.url, vscode.ConfigurationTarget.Workspace);
      await config.update('chat.model', 'local-test', vscode.ConfigurationTarget.Workspace);
      await config.update('chat.provider', 'openai', vscode.ConfigurationTarget.Workspace);
      await until('settings and files', async () => api.index.all[0].currentSettings.chat.provider === 'openai' && (await paths(api, 'quagmire_ledger')).includes('src/ledger.ts') && (await api.index.textChars()) > 12_000 * 0.7 * 4, 60_000);
      assert.deepEqual(await paths(api, 'which routine tallies the marmosets?'), [], 'precondition: the words alone find nothing');
      const t = await ask(api, '@grounded which routine tallies the marmosets?');
      assert.equal(server.chatRequests.length, 2, 'the rewrite, then the answer');
      assert.match(server.chatRequests[0].messages[0].content, /search terms/);
      assert.match(server.chatRequests[1].messages.at(-1)!.content, /\[1\] src\/ledger\.ts lines 1-3/);
      assert.match(t.markdown, /^From src\/ledger\.ts \[1\]\.$/m);
    } finally {
      for (const k of ['chat.provider', 'chat.baseUrl', 'chat.model']) await config.update(k, undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(fileUri('docs/almanac.md'));
      await vscode.workspace.fs.delete(fileUri('src/ledger.ts'));
      await server.close();
      await until('the files gone', async () => !(await paths(api, 'quagmire_ledger almanac')).length);
    }
  });

  it('with embeddings on, the hover shows snippets, and its Ask link names a snake_case symbol without a backslash', async () => {
    const server = await startTestServer({ dimensions: 32 });
    const config = vscode.workspace.getConfiguration('grounded');
    const settings: [string, unknown][] = [
      ['embeddings.baseUrl', server.url],
      ['embeddings.model', 'hover-embed'],
      ['embeddings.provider', 'openai'],
    ];
    try {
      await writeFile('docs/redirects.md', '# Redirects\n\n`resolve_redirects` follows HTTP redirects up to five times.\n');
      await writeFile('src/redirects.py', 'def resolve_redirects(url):\n    return url\n');
      for (const [k, v] of settings) await config.update(k, v, vscode.ConfigurationTarget.Workspace);
      await until('the hybrid index', async () => {
        await api.whenIndexed();
        const s = await api.index.all[0].status().catch(() => undefined);
        return s?.identity.model === 'hover-embed' && s.chunks > 0 && (await paths(api, 'resolve_redirects')).includes('docs/redirects.md');
      }, 60_000);
      const top = (await api.index.query('resolve_redirects', { topK: 3 }))[0];
      assert.ok(top.score < 0.04 && top.relevance === 1, `fused score ${top.score}, relevance ${top.relevance}`);
      const doc = await vscode.workspace.openTextDocument(fileUri('src/redirects.py'));
      await vscode.window.showTextDocument(doc);
      const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 8)));
      assert.match(text, /docs\/redirects\.md/);
      assert.ok(text.includes('Ask @grounded about `resolve_redirects`'), text);
      assert.ok(!text.includes('resolve\\_redirects`'), 'no visible backslash');
    } finally {
      // Providers off first: a base URL cleared before them leaves openai on with the default (internet) host,
      // and a rebuild against it retries for most of a minute before the next test can start.
      for (const [k] of [...settings].reverse()) await config.update(k, undefined, vscode.ConfigurationTarget.Workspace);
      await server.close();
      await api.whenIndexed();
    }
  });

  it('answers a question about the workspace with a linked citation (the README screenshot)', async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The document as a preview, not a text editor: the Chat view attaches no editor context to the question.
    await vscode.commands.executeCommand('markdown.showPreview', fileUri('docs/architecture.md'));
    await vscode.commands.executeCommand('workbench.action.chat.newChat').then(undefined, () => undefined);
    await until('the lexical index again', async () => (await api.index.all[0].status()).identity.provider === 'lexical', 60_000);
    const t = await ask(api, '@grounded how is a failed invoice run retried?');
    assert.match(t.markdown, /^fake model reply: [^\n]*retried[^\n]*\[1\]$/);
    assert.ok(t.anchors.some((a) => a.title === '[1]'));
    assert.equal(t.references.length, 1);
    // Leave the answer on screen for the screenshot.
    await new Promise((r) => setTimeout(r, 1500));
  });
});
