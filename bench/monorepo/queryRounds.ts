/**
 * One process holding an index, asked the monorepo questions in rounds: per round the query p50 and max
 * and the process's memory (RSS, heap, external, array buffers), then the same after a full GC. Shows
 * whether questions read chunks cheaply and whether memory grows with them.
 *
 *   npm run build && npm run compile-tests
 *   node --expose-gc out/bench/monorepo/queryRounds.js <folder> <indexDir> [rounds]
 */
import { Engine } from '../../src/core/engine';
import { MONOREPO_QUERIES } from './queries';

const mb = (n: number) => Math.round(n / 1e6);

function memory(): string {
  const m = process.memoryUsage();
  return `rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB, external ${mb(m.external)} MB, array buffers ${mb(m.arrayBuffers)} MB`;
}

async function main(): Promise<void> {
  const [folder, indexDir, rounds = '3'] = process.argv.slice(2);
  if (!folder || !indexDir) throw new Error('usage: queryRounds.js <folder> <indexDir> [rounds]');
  const started = performance.now();
  const engine = await Engine.open({ folder, indexDir, readOnly: true });
  engine.warm();
  console.log(`open ${Math.round(performance.now() - started)} ms; ${memory()}`);
  for (let round = 0; round < Number(rounds); round++) {
    const times: number[] = [];
    for (const q of MONOREPO_QUERIES) {
      const t = performance.now();
      await engine.query(q, { topK: 10 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`round ${round + 1}: p50 ${times[times.length >> 1].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms; ${memory()}`);
  }
  (globalThis as { gc?: () => void }).gc?.();
  console.log(`after a full GC: ${memory()}`);
  await engine.close();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
