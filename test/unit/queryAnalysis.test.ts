import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definedSymbols } from '../../src/core/lexical/definedSymbols';
import { SymbolTable } from '../../src/core/lexical/symbolTable';
import { analyseQuery, mentionedIdentifiers, mentionedPaths } from '../../src/core/retrieval/queryAnalysis';
import { asksFor, fileRole, rolePrior } from '../../src/core/retrieval/rankingRules';

test('a question names code the way code is written, and plain words name nothing', () => {
  const ids = mentionedIdentifiers('Why does `Session.resolve_redirects` call parseHTTPResponse() and HTTPDigestAuth but not the session?');
  for (const id of ['session.resolve_redirects', 'resolve_redirects', 'parsehttpresponse', 'httpdigestauth']) assert.ok(ids.includes(id), id);
  assert.ok(!ids.includes('session') && !ids.includes('why'));
  assert.deepEqual(mentionedIdentifiers('how is the index stored?'), []);
});

test('paths, file names, modules and traceback frames are mentions of files', () => {
  const paths = mentionedPaths('See requests/sessions.py and app.py; flask.app too.\n  File "/usr/lib/python3/site-packages/pkg/models.py", line 12, in send');
  for (const p of ['requests/sessions.py', 'app.py', 'flask/app', 'usr/lib/python3/site-packages/pkg/models.py']) assert.ok(paths.includes(p), p);
  assert.ok(!mentionedPaths('e.g. this, i.e. that, 1/2 of it').length);
});

test('the kind of question: a traceback is a bug report, "how do I" a how-to, a lone name an identifier', () => {
  const report = 'Upgrading broke sending.\nTraceback (most recent call last):\n  File "x.py", line 3, in <module>\n    s.send(r)\nValueError: bad';
  assert.equal(analyseQuery(report).kind, 'bug');
  assert.equal(analyseQuery('How do I configure a proxy?').kind, 'howto');
  assert.equal(analyseQuery('resolve_redirects').kind, 'identifier');
  assert.equal(analyseQuery('what does the session class do with cookies').kind, 'implementation');
  assert.equal(analyseQuery('refund policy for students').kind, 'general');
  assert.equal(analyseQuery('the the the redirect').counts.get('redirect'), 1);
});

test('file roles come from paths: tests, changelogs, fixtures, vendored, generated, docs, source', () => {
  const roles: Record<string, string> = {
    'tests/test_api.py': 'test',
    'src/app.test.ts': 'test',
    'pkg/client_test.go': 'test',
    'conftest.py': 'test',
    'HISTORY.md': 'changelog',
    'docs/changelog.rst': 'changelog',
    'CHANGES.rst': 'changelog',
    'tests/fixtures/a.json': 'fixture',
    'src/vendor/lib.js': 'vendored',
    'proto/api_pb2.py': 'generated',
    'docs/guide.md': 'docs',
    'README.md': 'docs',
    'src/requests/sessions.py': 'source',
    'src/latest.ts': 'source',
  };
  for (const [p, role] of Object.entries(roles)) assert.equal(fileRole(p), role, p);
});

test('a role is set back unless the question asks for it; a pasted report prefers code to docs', () => {
  const plain = analyseQuery('how are redirects followed');
  assert.ok(rolePrior('test', plain, asksFor(plain)).factor < 1);
  assert.ok(rolePrior('changelog', plain, asksFor(plain)).factor < 1);
  const tests = analyseQuery('which tests cover redirects');
  assert.equal(rolePrior('test', tests, asksFor(tests)).factor, 1);
  const history = analyseQuery('when was redirect handling changed');
  assert.equal(rolePrior('changelog', history, asksFor(history)).factor, 1);
  assert.equal(rolePrior('changelog', analyseQuery('what changed in 2.3'), asksFor(analyseQuery('what changed in 2.3'))).factor, 1);
  const report = analyseQuery('Traceback (most recent call last):\n  File "a.py", line 1, in f\nKeyError: x\nrequests 2.3.0');
  assert.ok(!asksFor(report).history, 'a version in a pasted report is context, not a question about history');
  assert.ok(rolePrior('docs', report, asksFor(report)).factor < 1);
  assert.match(rolePrior('test', plain, asksFor(plain)).reason, /test file ×0\.5/);
});

test('chunk titles give the symbols they define, bare and qualified; a heading gives its term', () => {
  assert.deepEqual(definedSymbols({ title: 'class Session > method resolve_redirects (part 2)', kind: 'code', text: '' }).sort(), ['resolve_redirects', 'session.resolve_redirects']);
  assert.deepEqual(definedSymbols({ title: 'function a, function b, …', kind: 'code', text: 'def a():\n  pass\ndef b(): pass' }).sort(), ['a', 'b']);
  assert.deepEqual(definedSymbols({ title: 'imports', kind: 'code', text: 'import os' }), []);
  assert.deepEqual(definedSymbols({ title: 'Guide > Store', kind: 'doc', text: 'def x' }), ['§store']);
  const whole = definedSymbols({ title: 'class Session', kind: 'code', text: 'class Session:\n    def send(self):\n        pass\n    async def close(self): pass' });
  assert.deepEqual(whole.sort(), ['close', 'send', 'session', 'session.close', 'session.send']);
  const table = new SymbolTable();
  table.add(3, ['send', 'session.send']);
  table.add(5, ['send']);
  assert.deepEqual([...table.lookup('SEND')].sort(), [3, 5]);
  table.remove(3, ['send', 'session.send']);
  assert.deepEqual([...table.lookup('send')], [5]);
  assert.equal(table.lookup('session.send').size, 0);
});
