import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../../src/core/engine';
import { LexicalIndex } from '../../src/core/lexical/lexicalIndex';
import { collapseRanked } from '../../src/core/retrieval/collapse';
import { tempDir, writeTree } from './helpers';

const filler = (name: string) =>
  `    def ${name}(self, value):\n        """Keeps ${name.replace(/_/g, ' ')} settings for later requests: they are merged with each request's own.\n        Values set here apply to every request the session sends until they are changed again."""\n        self.${name}_value = value\n        return value\n`;

const SESSIONS = `class Session:
    """Holds settings across requests."""

${['mount', 'close', 'prepare_request', 'merge_environment', 'set_cookies', 'set_headers'].map(filler).join('\n')}
    def send(self, request):
        """Sends a prepared request and returns the response."""
        response = self.adapter.send(request)
        return response

    def resolve_redirects(self, response, request):
        """Follows each Location header until a response is not a redirect."""
        while response.is_redirect:
            request = request.copy()
            request.url = response.headers["location"]
            response = self.send(request)
        return response
`;

const AUTH = `class DigestAuth:
    """Digest authentication."""

    def handle_redirect(self, response):
        """Resets the nonce count when a redirect happens; a redirect needs a new challenge."""
        if response.is_redirect:
            self.nonce_count = 0
        return response
`;

const TESTS = `from http.sessions import Session

def test_redirects_followed():
    # a chain of redirects ends at the last response
    assert Session().resolve_redirects(chain(), request()) is not None

def test_send():
    assert Session().send(request()) is not None
`;

function workspace(): string {
  const root = tempDir('grounded-rank-');
  writeTree(root, {
    'src/http/sessions.py': SESSIONS,
    'src/http/auth.py': AUTH,
    'tests/test_sessions.py': TESTS,
    'CHANGELOG.md': '# Changelog\n\n## 2.1\n\n- Redirects: follow redirects and redirect chains; redirect fixes.\n',
    'docs/guide.md': '# Guide\n\n## Redirects\n\nHow to turn off following redirects: pass allow_redirects=False.\n',
  });
  return root;
}

async function open(root: string): Promise<Engine> {
  const engine = await Engine.open({ folder: root, shardCount: 4, chunkThreads: 0 });
  await engine.indexAll();
  return engine;
}

test('a named symbol ranks its definition first, and says so', async () => {
  const engine = await open(workspace());
  const [first] = await engine.query('what does Session.resolve_redirects do with the request');
  assert.equal(first.path, 'src/http/sessions.py');
  assert.match(first.title, /resolve_redirects/);
  assert.match(first.why ?? '', /defines session\.resolve_redirects/);
  await engine.close();
});

test('tests and changelogs rank below implementation unless the question asks for them', async () => {
  const engine = await open(workspace());
  const files = (rs: { path: string }[]) => [...new Set(rs.map((r) => r.path))];
  const plain = files(await engine.query('how are redirects followed'));
  assert.ok(plain.indexOf('src/http/sessions.py') < plain.indexOf('tests/test_sessions.py'), plain.join(', '));
  assert.ok(plain.indexOf('src/http/sessions.py') < plain.indexOf('CHANGELOG.md'), plain.join(', '));
  const test = await engine.query('which tests check that redirects are followed');
  assert.equal(test[0].path, 'tests/test_sessions.py');
  const history = await engine.query('when were redirects changed in the changelog');
  assert.equal(history[0].path, 'CHANGELOG.md');
  await engine.close();
});

test('a pasted traceback boosts the files it names and prefers code to docs', async () => {
  const engine = await open(workspace());
  const report = [
    'Redirects break digest auth: the nonce is not reset.',
    'Traceback (most recent call last):',
    '  File "/home/me/app.py", line 3, in <module>',
    '  File "/venv/lib/site-packages/http/auth.py", line 6, in handle_redirect',
    'KeyError: nonce',
  ].join('\n');
  const results = await engine.query(report);
  assert.equal(results[0].path, 'src/http/auth.py');
  const docs = results.find((r) => r.path === 'docs/guide.md');
  assert.match(docs?.why ?? '', /docs for a bug report ×0\.5/);
  await engine.close();
});

test('a long question whose words are spread over a file finds that file', async () => {
  const root = tempDir('grounded-rank-long-');
  const spread = Array.from({ length: 6 }, (_, i) => `def part${i}():\n    """Handles ${['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'][i]} input."""\n    return ${i}\n`).join('\n');
  const decoys = Object.fromEntries(
    ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'].map((w, i) => [`src/decoy${i}.py`, `def only_${w}():\n    """${w} ${w} ${w} ${w} handling."""\n    return "${w}"\n`]),
  );
  writeTree(root, { 'src/spread.py': spread, ...decoys });
  const engine = await open(root);
  const question =
    'We feed alpha input, then bravo input, then charlie, delta, echo and foxtrot input one after another, and after the fourth one ' +
    'the handler for the input returns the wrong value; we expected each handler to return its own number. ' +
    'This happens every time we pass several inputs in a row, with any mix of them, and we see no error at all.';
  const [first] = await engine.query(question);
  assert.equal(first.path, 'src/spread.py');
  await engine.close();
});

const POLICY = `# Refund policy

## Eligibility

Refunds are available for purchases made in the last 30 days. A refund needs the original receipt; refunds are not given for gift cards.

## How to request a refund

To request a refund, open the refund form, choose the order and the refund reason. Refund requests are answered by email.

## Refund amounts

A refund returns the full price; partial refunds apply to opened items. Shipping is refunded only when the refund is our fault.

## Processing time

Refunds reach your account 5 to 10 business days after approval.
`;

test('the per-file cap keeps the answering section of a short document', async () => {
  const root = tempDir('grounded-rank-policy-');
  writeTree(root, { 'docs/policy.md': POLICY, 'docs/other.md': '# Other\n\nShipping takes three days.\n' });
  const engine = await open(root);
  const results = await engine.query('how long do refunds take?');
  assert.ok(results.some((r) => r.title.endsWith('Processing time')), results.map((r) => r.title).join(' | '));
  // A cap the caller sets stays hard.
  const capped = await engine.query('how long do refunds take?', { perFile: 1 });
  assert.equal(capped.filter((r) => r.path === 'docs/policy.md').length, 1);
  await engine.close();
});

test('collapse keeps a chunk marked past the cap, and caps the rest', () => {
  const c = (id: string, score: number, keepBeyondCap = false) => ({ id, path: 'a', startLine: Number(id) * 10, endLine: Number(id) * 10 + 5, hash: id, score, keepBeyondCap });
  const kept = collapseRanked([c('1', 9), c('2', 8), c('3', 7, true), c('4', 6)], 10, 1, (x) => x);
  assert.deepEqual(kept.map((k) => k.id), ['1', '3']);
});

test('the lexical index forgets a removed file in every field', () => {
  const index = new LexicalIndex();
  const chunk = (p: string, title: string, text: string) => ({ id: `${p}:${title}`, path: p, startLine: 1, endLine: 2, language: 'python', kind: 'code' as const, title, text });
  const slots = index.addFile([chunk('a.py', 'class A > method frob', 'def frob(): pass'), chunk('a.py', 'function other', 'def other(): pass')]);
  index.addFile([chunk('b.py', 'function frob', 'def frob(): return 1')]);
  assert.equal(index.size, 3);
  assert.deepEqual([...index.symbols.lookup('a.frob')], [slots[0]]);
  assert.equal(index.file(index.fileOf(slots[1]))!.path, 'a.py');
  index.removeFile('a.py');
  assert.equal(index.size, 1);
  assert.equal(index.symbols.lookup('a.frob').size, 0);
  assert.equal(index.symbols.lookup('frob').size, 1);
  assert.equal(index.files.size, 1);
  assert.equal(index.paths.size, 1);
  assert.equal(index.titles.size, 1);
  assert.equal(index.fileByPath('a.py'), undefined);
});
