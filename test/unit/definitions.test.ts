import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDefinitions } from '../../src/core/retrieval/definitions';
import { Chunk } from '../../src/core/types';

function chunk(path: string, startLine: number, title: string, text = '', kind: Chunk['kind'] = 'code'): Chunk {
  return { path, startLine, endLine: startLine + 5, title, text, kind, language: kind === 'code' ? 'typescript' : 'markdown' };
}

const CHUNKS: Chunk[] = [
  chunk('src/b.ts', 1, 'class Engine > method query'),
  chunk('src/b.ts', 20, 'class Engine > method status'),
  chunk('src/z.ts', 1, 'class Reporter > method engine'),
  chunk('src/a.ts', 10, 'interface ParsedArgs, class UsageError'),
  chunk('src/a.ts', 30, 'function parseArgs (part 2)'),
  chunk('src/a.ts', 20, 'function parseArgs (part 1)'),
  chunk('docs/guide.md', 1, 'Guide > Engine', 'The engine keeps the index.', 'doc'),
  chunk('src/use.ts', 1, 'function main', '  const e = query(5);\n  query(e);\n'),
  chunk('src/small.ts', 1, 'class Small', 'export class Small {\n  async query(text: string): Promise<void> {\n    return;\n  }\n}'),
  chunk('src/go.go', 1, 'top level', 'func (s *Server) Query(ctx context.Context) error {\n\treturn nil\n}'),
];

test('exact names in the last title segment come first, merged titles and parts included', () => {
  assert.deepEqual(findDefinitions(CHUNKS, 'UsageError').map((d) => [d.chunk.path, d.chunk.startLine, d.match]), [['src/a.ts', 10, 'exact']]);
  assert.deepEqual(findDefinitions(CHUNKS, 'parseArgs').map((d) => [d.chunk.startLine, d.match]), [[20, 'exact'], [30, 'exact']], 'parts in line order');
});

test('a container is one definition at its first chunk; then case-insensitive matches; then headings', () => {
  const engine = findDefinitions(CHUNKS, 'Engine');
  assert.deepEqual(engine.map((d) => [d.chunk.path, d.chunk.startLine, d.match]), [
    ['src/b.ts', 1, 'container'],
    ['src/z.ts', 1, 'ignoring case'],
    ['docs/guide.md', 1, 'heading'],
  ]);
});

test('a method inside a one-chunk class is found by its declaring line, and calls are not declarations', () => {
  assert.deepEqual(findDefinitions(CHUNKS, 'query').map((d) => [d.chunk.path, d.match]), [
    ['src/b.ts', 'exact'],
    ['src/small.ts', 'declared inside'],
  ], 'src/use.ts only calls query');
  assert.deepEqual(findDefinitions(CHUNKS, 'Query').map((d) => [d.chunk.path, d.match]), [
    ['src/b.ts', 'ignoring case'],
    ['src/go.go', 'declared inside'],
  ], 'a Go method with a receiver');
});

test('blank symbols, regex characters and limits', () => {
  assert.deepEqual(findDefinitions(CHUNKS, '   '), []);
  assert.deepEqual(findDefinitions(CHUNKS, 'a.*'), [], 'the symbol is matched literally');
  assert.equal(findDefinitions(CHUNKS, 'parseArgs', 1).length, 1);
});
