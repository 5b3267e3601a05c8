import { performance } from 'perf_hooks';

/**
 * Bounds how long work runs between two turns of the event loop, so that timers, queries and messages
 * are served while an index is built. Work that is ready at once (read-ahead promises already settled,
 * sixteen shard writes whose I/O completed together) otherwise runs back to back in one turn.
 *
 * `take()` resolves at once while this turn has budget left; past it, every caller waits for the next
 * turn, and the first to resume starts a new budget. One budget is shared by all the work of a thread.
 */
function createTurnBudget(budgetMs: number): () => Promise<void> {
  let start = performance.now();
  let nextTurn: Promise<void> | undefined;
  return async () => {
    while (performance.now() - start > budgetMs) {
      nextTurn ??= new Promise<void>((resolve) =>
        setImmediate(() => {
          nextTurn = undefined;
          start = performance.now();
          resolve();
        }),
      );
      await nextTurn;
    }
  };
}

/** The budget of this thread's indexing work. */
export const indexingTurn = createTurnBudget(8);
