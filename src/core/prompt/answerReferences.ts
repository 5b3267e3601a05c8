/**
 * The snippets an answer used: those it cited, in the order it first cited them. An answer that cites
 * nothing still drew on what it was given, so then the best `fallback` snippets sent stand for it.
 */
export function answerReferences<T>(used: readonly T[], cited: readonly number[], fallback: number): T[] {
  const citedSnippets = cited.map((n) => used[n - 1]).filter((s): s is T => s !== undefined);
  return citedSnippets.length ? citedSnippets : used.slice(0, fallback);
}
