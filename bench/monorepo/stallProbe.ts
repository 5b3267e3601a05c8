/**
 * Preloaded into a CLI process (`node -r out/bench/monorepo/stallProbe.js dist/cli.js index …`) to
 * measure the longest stall of its event loop without touching the CLI: monitorEventLoopDelay, and
 * the lateness of a 5 ms interval timer as a second opinion. On exit it appends one JSON line per
 * thread it runs on to the file named by GROUNDED_BENCH_STALL_OUT.
 */
import * as fs from 'fs';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { isMainThread, threadId } from 'worker_threads';

const out = process.env.GROUNDED_BENCH_STALL_OUT;
if (out) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let last = performance.now();
  let worstLate = 0;
  const ticker = setInterval(() => {
    const t = performance.now();
    worstLate = Math.max(worstLate, t - last - 5);
    last = t;
  }, 5);
  ticker.unref();
  process.on('exit', () => {
    loop.disable();
    const line = { thread: isMainThread ? 'main' : `worker ${threadId}`, maxLoopMs: loop.max / 1e6, p99LoopMs: loop.percentile(99) / 1e6, maxTimerLateMs: worstLate };
    fs.appendFileSync(out, JSON.stringify(line) + '\n');
  });
}
