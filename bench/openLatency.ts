/**
 * First query after process start (issue #16): opens an existing index in this fresh process and asks
 * one question, as the CLI's `query --no-update` or a new window does.
 *
 *   node --expose-gc out/bench/openLatency.js <folder> <indexDir> [query]
 *
 * Prints one JSON line: ms to open, ms for the first query, ms from process start (module loading
 * included) to the first answer, the CPU time of the whole process by then (user + system: steadier
 * than wall time on a shared machine), and RSS once opened.
 */
import { Engine } from '../src/core/engine';

async function main() {
  const [folder, indexDir, text = 'how is the session token refreshed'] = process.argv.slice(2);
  const started = performance.now();
  const engine = await Engine.open({ folder, indexDir, readOnly: true, log: (m) => process.stderr.write(`${m}\n`) });
  const opened = performance.now();
  const results = await engine.query(text);
  const answered = performance.now();
  const cpu = process.cpuUsage();
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
  const round = (n: number) => Math.round(n);
  console.log(
    JSON.stringify({
      chunks: engine.chunkCount,
      openMs: round(opened - started),
      firstQueryMs: round(answered - opened),
      totalMs: round(answered - started),
      sinceProcessStartMs: round(answered),
      cpuMs: round((cpu.user + cpu.system) / 1000),
      results: results.length,
      rssMB: mb(usage.rss),
      heapUsedMB: mb(usage.heapUsed),
      externalMB: mb(usage.external + usage.arrayBuffers),
    }),
  );
  await engine.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
