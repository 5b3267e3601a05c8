import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queryTokens, splitIdentifier, stem, tokenize } from '../../src/core/lexical/tokenize';

test('camelCase, PascalCase with acronyms, snake_case and digits split into parts', () => {
  assert.deepEqual(splitIdentifier('parseHTTPResponse'), ['parse', 'HTTP', 'Response']);
  assert.deepEqual(splitIdentifier('parse_http_response'), ['parse', 'http', 'response']);
  assert.deepEqual(splitIdentifier('XMLHttpRequest2'), ['XML', 'Http', 'Request', '2']);
  assert.deepEqual(splitIdentifier('$scope'), ['scope']);
});

test('both spellings of an identifier yield its parts and the whole identifier', () => {
  const camel = tokenize('parseHTTPResponse');
  const snake = tokenize('parse_http_response');
  for (const t of ['pars', 'http', 'respons']) {
    assert.ok(camel.includes(t), `camel has ${t}: ${camel}`);
    assert.ok(snake.includes(t), `snake has ${t}: ${snake}`);
  }
  assert.ok(camel.includes('parsehttpresponse'));
  assert.ok(snake.includes('parse_http_response'));
});

test('prose meets code: "parse the HTTP response" shares every part with parseHTTPResponse', () => {
  const prose = new Set(queryTokens('How do we parse the HTTP response?'));
  for (const t of ['pars', 'http', 'respons']) assert.ok(prose.has(t));
  assert.ok(!prose.has('the') && !prose.has('how'), 'stopwords dropped');
});

test('stemming joins plural and verb forms but leaves short words and numbers alone', () => {
  assert.equal(stem('tokens'), stem('token'));
  assert.equal(stem('sorting'), stem('sort'));
  assert.equal(stem('parsed'), stem('parse'));
  assert.equal(stem('queries'), stem('query'));
  assert.equal(stem('is'), 'is');
  assert.equal(stem('v8s'), 'v8s');
});

test('repeats are kept for term frequency; query tokens are distinct', () => {
  assert.equal(tokenize('cache cache cache').length, 3);
  assert.equal(queryTokens('cache cache').length, 1);
});

test('long hashes and blobs are not tokens', () => {
  assert.deepEqual(tokenize('a'.repeat(400)), []);
});
