import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { answerQuestion, AnswerRequest } from '../../src/core/answer/answerQuestion';
import { AnswerSink, writeAnswer } from '../../src/core/answer/writeAnswer';
import { Engine } from '../../src/core/engine';
import { Generator } from '../../src/core/generate/generator';
import { createOpenAIGenerator } from '../../src/core/generate/openaiGenerator';
import { approxTokens } from '../../src/core/types';
import { QueryOptions, SearchResult } from '../../src/core/retrieval/types';
import { startTestServer, TestServer } from '../support/openaiTestServer';
import { tempDir, writeTree } from './helpers';

/** Two sections of one file, each long enough to be its own chunk, both about session expiry. */
const section = (heading: string, fact: string) => `## ${heading}\n\n${Array.from({ length: 40 }, (_, i) => `${fact} (note ${i + 1}).`).join('\n')}\n`;
const FILES = {
  'docs/sessions.md': `# Sessions\n\n${section('Expiry', 'A session expires after thirty minutes idle')}\n${section('Renewal', 'Every request renews the session so it does not expire')}`,
  'docs/billing.md': '# Billing\n\nInvoices go out monthly; a failed invoice run is retried nightly.\n',
  'src/session.ts': 'export function expireSession(id: string): void {\n  // A session expires once idle for thirty minutes.\n  sessions.delete(id);\n}\n',
};

let engine: Engine;
let server: TestServer;
/** The options of every search the pipeline made, on the real engine. */
let searches: Pick<QueryOptions, 'topK' | 'includeAll' | 'rewrite' | 'kinds'>[] = [];
let answerText = 'Sessions expire after thirty minutes [1], renewed on each request [2]; see also [9].';

before(async () => {
  const root = tempDir();
  writeTree(root, FILES);
  engine = await Engine.open({ folder: root, shardCount: 2, chunkThreads: 0 });
  await engine.indexAll();
  server = await startTestServer({ answer: () => answerText });
});

after(async () => {
  await server.close();
  await engine.close();
});

/** The engine's results as a surface would carry them, with a field of its own (as VS Code adds a URI). */
type Located = SearchResult & { where: string };
const search = async (text: string, opts: Pick<QueryOptions, 'topK' | 'includeAll' | 'rewrite' | 'kinds'>): Promise<Located[]> => {
  searches.push(opts);
  return (await engine.query(text, opts)).map((r) => ({ ...r, where: `file:///ws/${r.path}` }));
};

function generator(opts: { maxPromptTokens?: number } = {}): Generator {
  return createOpenAIGenerator({ baseURL: server.url, model: 'local-test', maxRetries: 0, timeoutMs: 5000, ...opts });
}

/** What a surface would show: text, each citation as ⟨n:path⟩, and the snippets it was told the prompt holds. */
function recorder() {
  const seen = { shown: '', prompted: [] as Located[] };
  const sink: AnswerSink<Located> = {
    prompted: (used) => void (seen.prompted = [...used]),
    text: (t) => (seen.shown += t),
    citation: (n, s) => (seen.shown += `⟨${n}:${s.where}⟩`),
  };
  return { seen, sink };
}

function ask(req: Partial<AnswerRequest<Located>> & { question: string }, sink = recorder().sink) {
  searches = [];
  server.chatRequests.length = 0;
  return answerQuestion<Located>({ search, topK: 3, ...req }, sink);
}

test('a streamed answer has its citations mapped to the snippets sent, adjacent chunks merged, and references what it cited', async () => {
  const raw = await engine.query('when does a session expire', { topK: 40 });
  const rawSessions = raw.filter((r) => r.path === 'docs/sessions.md').sort((a, b) => a.startLine - b.startLine);
  assert.ok(rawSessions.length >= 2 && rawSessions[1].startLine <= rawSessions[0].endLine + 1, 'precondition: the file comes back as adjacent chunks');
  const { seen, sink } = recorder();
  const outcome = await ask({ question: 'when does a session expire', generator: generator(), fillBudget: true }, sink);
  assert.equal(outcome.kind, 'answered');
  if (outcome.kind !== 'answered') return;
  const sessions = outcome.used.filter((s) => s.path === 'docs/sessions.md').sort((a, b) => a.startLine - b.startLine);
  assert.ok(sessions.length < rawSessions.length, 'adjacent chunks are sent as one passage');
  assert.ok(sessions.some((s) => s.startLine === rawSessions[0].startLine && s.endLine >= rawSessions[1].endLine));
  for (let i = 1; i < sessions.length; i++) assert.ok(sessions[i].startLine > sessions[i - 1].endLine + 1, 'no two passages sent touch');
  assert.deepEqual(seen.prompted, outcome.used);
  const [one, two] = outcome.used;
  assert.equal(seen.shown, `Sessions expire after thirty minutes ⟨1:${one.where}⟩, renewed on each request ⟨2:${two.where}⟩; see also [9].`);
  assert.deepEqual(outcome.references, [one, two]);
  const sent = server.chatRequests[0].messages.at(-1)!.content;
  assert.match(sent, new RegExp(`\\[1\\] ${one.path} lines ${one.startLine}-${one.endLine}`));
  assert.equal(searches[0].topK, 40, "sized to the model's budget: 12000 tokens at 300 a snippet, at most 40");
});

test('an answer that cites nothing references the best topK snippets sent', async () => {
  answerText = 'It depends.';
  try {
    const outcome = await ask({ question: 'session expire', generator: generator(), topK: 2 });
    assert.equal(outcome.kind, 'answered');
    if (outcome.kind === 'answered') assert.deepEqual(outcome.references, outcome.used.slice(0, 2));
  } finally {
    answerText = 'Sessions expire after thirty minutes [1], renewed on each request [2]; see also [9].';
  }
});

test('a failing endpoint gives a failure with the best snippets to show instead; one failing mid-answer says it wrote', async () => {
  server.faults.push({ kind: 'status', status: 500 });
  const failed = await ask({ question: 'session expire', generator: generator(), topK: 2, fillBudget: true });
  assert.equal(failed.kind, 'failed');
  if (failed.kind !== 'failed') return;
  assert.match(String(failed.error), /failed \(500\)/);
  assert.equal(failed.wrote, false);
  assert.equal(failed.snippets.length, 2);
  assert.ok(failed.snippets.every((s) => s.where.startsWith('file:///ws/')));
  // Spaced chunks reach the client before the cut (a socket destroyed at once drops what it buffered).
  const spaced = await startTestServer({ chunkDelayMs: 20, answer: () => answerText });
  try {
    spaced.faults.push({ kind: 'cutStream', afterChunks: 2 });
    const { seen, sink } = recorder();
    const g = createOpenAIGenerator({ baseURL: spaced.url, model: 'local-test', maxRetries: 0, timeoutMs: 5000 });
    const cut = await ask({ question: 'session expire', generator: g, topK: 2 }, sink);
    assert.equal(cut.kind, 'failed');
    if (cut.kind === 'failed') assert.equal(cut.wrote, true);
    assert.ok(seen.shown.startsWith('Sessions expire'), seen.shown);
  } finally {
    await spaced.close();
  }
});

test('a workspace whose whole text fits is sent whole, matches first; one that does not is searched', async () => {
  const textChars = async () => engine.size().textChars;
  const whole = await ask({ question: 'invoice retried', generator: generator({ maxPromptTokens: 100_000 }), textChars, fillBudget: true });
  assert.equal(whole.kind, 'answered');
  assert.equal(searches[0].includeAll, true);
  if (whole.kind === 'answered') {
    assert.equal(whole.used[0].path, 'docs/billing.md');
    assert.deepEqual(new Set(whole.used.map((s) => s.path)), new Set(Object.keys(FILES)), 'every file, matching or not');
  }
  const chars = await textChars();
  // Just too big to be sent whole: a quarter of its characters exceed 70% of the prompt.
  const tight = Math.floor(chars / 4 / 0.7) - 10;
  const searched = await ask({ question: 'invoice retried', generator: generator({ maxPromptTokens: tight }), textChars, fillBudget: true });
  assert.equal(searched.kind, 'answered');
  assert.equal(searches[0].includeAll, false);
  assert.equal(searches[0].topK, Math.max(3, Math.min(40, Math.floor(tight / 300))));
});

test('without a model the answer is the best topK snippets, adjacent ones merged, with no model call; nothing matching says so', async () => {
  const outcome = await ask({ question: 'session expire', topK: 5, fillBudget: true, textChars: async () => 1 });
  assert.equal(outcome.kind, 'extractive');
  assert.equal(searches[0].topK, 5, 'with no model, no budget to fill');
  if (outcome.kind === 'extractive') {
    // Five chunks: two sections of sessions.md in two chunks each, and the code.
    assert.deepEqual(outcome.snippets.map((s) => s.path).sort(), ['docs/sessions.md', 'docs/sessions.md', 'src/session.ts']);
    assert.ok(outcome.snippets[0].score >= outcome.snippets[1].score && outcome.snippets[1].score >= outcome.snippets[2].score);
  }
  assert.equal(searches[0].includeAll, false, 'the whole workspace goes only to a model');
  assert.equal(server.chatRequests.length, 0);
  assert.deepEqual(await ask({ question: 'zebra quokka' }), { kind: 'nothing' });
});

test("the prompt is fitted to a small budget, and trimmed further by the model's own count", async () => {
  const small = await ask({ question: 'session expire', generator: generator({ maxPromptTokens: 600 }), topK: 10 });
  assert.equal(small.kind, 'answered');
  const sent = server.chatRequests[0].messages.map((m) => m.content).join('\n');
  assert.ok(approxTokens(sent) <= 600, `${approxTokens(sent)} tokens`);
  // A model that counts each character as a token and takes 1200: the short best snippet fits, the long passages do not.
  const counting: Generator = { ...generator(), exactTokens: { limit: 1200, count: async (p) => p.system.length + p.user.length } };
  const fitted = await ask({ question: 'expireSession', generator: counting, topK: 10 });
  assert.equal(fitted.kind, 'answered');
  const messages = server.chatRequests[0].messages;
  assert.ok(messages[0].content.length + messages.at(-1)!.content.length <= 1200);
  if (fitted.kind === 'answered') assert.deepEqual(fitted.used.map((s) => s.path), ['src/session.ts']);
});

test("a caller's bound below the model's budget holds (the hover's 3000 tokens)", async () => {
  const snippets = await search('session', { topK: 20 });
  const outcome = await writeAnswer({ question: 'what is a session?', snippets, generator: generator(), topK: 3, maxPromptTokens: 300 }, recorder().sink);
  assert.equal(outcome.kind, 'answered');
  assert.ok(approxTokens(server.chatRequests.at(-1)!.messages.map((m) => m.content).join('\n')) <= 300);
  if (outcome.kind === 'answered') assert.ok(outcome.used.length < snippets.length);
});

test('with rewrite on, the model first adds search terms, except when the workspace is sent whole', async () => {
  answerText = 'expireSession idle timeout';
  try {
    await ask({ question: 'how long until I am logged out?', generator: generator(), rewrite: true });
    assert.equal(server.chatRequests.length, 2, 'the rewrite, then the answer');
    assert.match(server.chatRequests[0].messages[0].content, /search terms/);
    assert.equal(searches[0].rewrite, 'expireSession idle timeout');
    await ask({ question: 'how long until I am logged out?', generator: generator({ maxPromptTokens: 100_000 }), rewrite: true, textChars: async () => 10 });
    assert.equal(server.chatRequests.length, 1, 'the answer only');
    assert.equal(searches[0].rewrite, undefined);
  } finally {
    answerText = 'Sessions expire after thirty minutes [1], renewed on each request [2]; see also [9].';
  }
});

test('a question cancelled while the model writes ends as cancelled, and the stream is closed', async () => {
  const slow = await startTestServer({ chunkDelayMs: 50, answer: () => 'word '.repeat(200) });
  try {
    const controller = new AbortController();
    const sink: AnswerSink<Located> = { text: () => controller.abort(), citation: () => undefined };
    const g = createOpenAIGenerator({ baseURL: slow.url, model: 'local-test', maxRetries: 0 });
    const outcome = await answerQuestion<Located>({ question: 'session', search, topK: 3, generator: g, signal: controller.signal }, sink);
    assert.deepEqual(outcome, { kind: 'cancelled' });
    for (let i = 0; i < 50 && slow.aborted === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(slow.aborted, 1);
  } finally {
    await slow.close();
  }
});
