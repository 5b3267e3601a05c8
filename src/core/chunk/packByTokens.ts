import { approxTokens } from '../types';

/** Consecutive items cut into runs of at most `maxTokens`, in order; an item larger than that is a run alone. */
export function packByTokens<T extends { text: string }>(items: readonly T[], maxTokens: number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let tokens = 0;
  for (const item of items) {
    const t = approxTokens(item.text + '\n');
    if (run.length > 0 && tokens + t > maxTokens) {
      runs.push(run);
      run = [];
      tokens = 0;
    }
    run.push(item);
    tokens += t;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
