import { QueryAnalysis } from './queryAnalysis';

/**
 * The ranking's rules of thumb, in one place: what role a file plays, and how much a question of a
 * given kind should prefer or set back each role. They come from what people ask a codebase in
 * general — a how-to wants the docs, a pasted traceback wants the code that raised it, and nobody
 * asking how something works wants the test of it or the changelog line about it unless they say so.
 */
export type FileRole = 'test' | 'changelog' | 'fixture' | 'vendored' | 'generated' | 'docs' | 'source';

const TEST_DIR = /(^|\/)(tests?|__tests__|spec|specs|testing|test_?utils|e2e)\//i;
const TEST_FILE = /(^|\/)(test_[^/]*|[^/]*_test\.\w+|[^/]*[.-](test|spec)\.\w+|conftest\.py|[^/]*Tests?\.(java|kt|cs|swift|scala))$/;
const CHANGELOG = /(^|\/)(change[-_ ]?log|changes|history|news|release[-_ ]?notes|releases|whatsnew|whats[-_]new)(\.\w+)?$/i;
const FIXTURE = /(^|\/)(fixtures?|testdata|test[-_]data|__snapshots__|snapshots|__mocks__|mocks)\//i;
const VENDORED = /(^|\/)(vendor|vendored|_vendor|third[-_]party|external|node_modules|bower_components)\//i;
const GENERATED = /(\.min\.(js|css)|\.generated\.\w+|_pb2(_grpc)?\.py|\.pb\.go|\.g\.dart|\.designer\.cs|\.map)$|(^|\/)generated\//i;
const DOCS = /\.(md|mdx|markdown|rst|txt|adoc|asciidoc|org)$|(^|\/)(docs?|documentation)\//i;

/** A file's role from its path alone (first match wins: a test's fixture is a fixture). */
export function fileRole(path: string): FileRole {
  if (FIXTURE.test(path)) return 'fixture';
  if (TEST_DIR.test(path) || TEST_FILE.test(path)) return 'test';
  if (CHANGELOG.test(path)) return 'changelog';
  if (VENDORED.test(path)) return 'vendored';
  if (GENERATED.test(path)) return 'generated';
  if (DOCS.test(path)) return 'docs';
  return 'source';
}

const ASKS_TESTS = /\b(tests?|testing|tested|unit ?tests?|spec|specs|pytest|jest|mocha|fixtures?|coverage|mock(s|ed|ing)?)\b/i;
const ASKS_HISTORY = /\b(change ?log|changes? (in|since|between)|release notes?|history|what changed|when (was|were|did)|introduced|deprecat\w*|removed in|added in|breaking changes?|upgrad\w*|migrat\w*)\b/i;
const VERSION = /\bv?\d+\.\d+(\.\d+)?\b/;

/** What the question itself asks for, which lifts a role's setback. */
export interface Asks {
  tests: boolean;
  history: boolean;
  vendored: boolean;
}

export function asksFor(q: QueryAnalysis): Asks {
  // A pasted report states its version as context; a question naming one asks what that version did.
  const history = ASKS_HISTORY.test(q.text) || (q.kind !== 'bug' && VERSION.test(q.text));
  return { tests: ASKS_TESTS.test(q.text), history, vendored: /\b(vendor(ed)?|third[- ]party)\b/i.test(q.text) };
}

export interface Prior {
  factor: number;
  /** Why, for `--explain` (empty when the factor is 1). */
  reason: string;
}

const NEUTRAL: Prior = { factor: 1, reason: '' };

/** How much a file of `role` is worth to this question, relative to implementation code. */
export function rolePrior(role: FileRole, q: QueryAnalysis, asks: Asks): Prior {
  switch (role) {
    case 'test':
      return asks.tests ? NEUTRAL : prior(0.5, 'test file');
    case 'fixture':
      return asks.tests ? prior(0.8, 'fixture') : prior(0.4, 'fixture');
    case 'changelog':
      return asks.history ? NEUTRAL : prior(0.3, 'changelog');
    case 'vendored':
      return asks.vendored ? NEUTRAL : prior(0.5, 'vendored file');
    case 'generated':
      return prior(0.5, 'generated file');
    case 'docs':
      if (q.kind === 'bug') return prior(0.5, 'docs for a bug report');
      if (q.kind === 'identifier') return prior(0.8, 'docs for a code name');
      if (q.kind === 'implementation') return prior(0.7, 'docs for a question about the code');
      return q.kind === 'howto' ? prior(1.2, 'docs for a how-to') : NEUTRAL;
    default:
      return NEUTRAL;
  }
}

function prior(factor: number, reason: string): Prior {
  return { factor, reason: `${reason} ×${factor}` };
}
