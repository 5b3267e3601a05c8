/**
 * Extra resident memory of a process holding an open index: run in a fresh process (by the suite) so
 * that nothing else the benchmark did is counted.
 *
 *   node --expose-gc out/bench/memoryProbe.js <folder> <indexDir> <dims>
 *
 * Prints one JSON line: rss before and after opening, the raw size of the vectors (float32) and of the
 * chunk text (UTF-8), and their ratio.
 */
import { Engine } from '../src/core/engine';
import { featureHashEmbedder } from './featureHashEmbedder';

async function settle(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return process.memoryUsage().rss;
}

async function main() {
  const [folder, indexDir, dimsArg] = process.argv.slice(2);
  const dims = Number(dimsArg);
  const before = await settle();
  const started = Date.now();
  const engine = await Engine.open({ folder, indexDir, embedder: featureHashEmbedder(dims) });
  const openMs = Date.now() - started;
  const after = await settle();
  const status = await engine.status();
  // The generated text is ASCII: a character is a byte.
  const rawVectorBytes = status.chunks * dims * 4;
  const rawTextBytes = status.textChars;
  const usage = process.memoryUsage();
  console.log(
    JSON.stringify({
      chunks: status.chunks,
      dims,
      openMs,
      extraRssBytes: after - before,
      rawVectorBytes,
      rawTextBytes,
      ratio: (after - before) / (rawVectorBytes + rawTextBytes),
      heapUsedBytes: usage.heapUsed,
      arrayBuffersBytes: usage.arrayBuffers,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
