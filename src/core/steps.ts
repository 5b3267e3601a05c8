import { indexingTurn } from './turnBudget';

/**
 * Long computations written as generators that yield between steps of a few milliseconds: run at
 * once where nothing else waits (tests, a CLI run), or sliced on the engine's thread so that questions
 * and messages are served between the steps.
 */
export type Steps<T> = Generator<void, T>;

export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the steps, handing the event loop back whenever this thread's indexing budget is spent. */
export async function runSliced<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await indexingTurn();
  }
}
