import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { Engine, IndexSummary } from '../core/engine';
import { formatBytes } from '../core/discovery/walk';
import { readSharedIndexSettings } from '../core/workspaceSettings';
import { buildGroundedPrompt } from '../core/prompt/buildPrompt';
import { extractiveAnswer } from '../core/prompt/extractiveAnswer';
import { SearchResult } from '../core/retrieval/types';
import { intOption, parseArgs, ParsedArgs, stringOption, UsageError } from './args';
import { rewriteQuery } from '../core/retrieval/queryRewrite';
import { CONFIGURE_MODEL_HINT, embedderFromEnvironment, generatorFromEnvironment, readEnvironment } from './environment';

const USAGE = `Usage:
  grounded index <folder> [--index-dir DIR]
  grounded query <folder> <text> [--index-dir DIR] [--top-k N] [--json] [--explain]
  grounded query <folder> --batch FILE [--index-dir DIR] [--top-k N]
  grounded ask <folder> <question> [--index-dir DIR] [--top-k N]
  grounded status <folder> [--index-dir DIR] [--json]

The index lives in <folder>/.grounded unless --index-dir says otherwise. Indexing settings shared in
<folder>/.vscode/settings.json (grounded.index.include, exclude, respectGitignore, maxFileSizeKB,
chunkTokens, secretPatterns) apply, so the CLI builds the index the extension would.
query and ask first bring the index up to date (only changed files are read); --no-update skips that.
Models (optional) come from the environment: GROUNDED_CHAT_MODEL (written answers), GROUNDED_EMBED_MODEL
(hybrid retrieval), GROUNDED_BASE_URL (an OpenAI-compatible server), GROUNDED_API_KEY (or OPENAI_API_KEY).`;

const VALUED = new Set(['index-dir', 'top-k', 'batch']);
const SWITCHES = new Set(['json', 'no-update', 'help', 'verbose', 'explain']);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help' || command === '-h') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  const args = parseArgs(rest, VALUED, SWITCHES);
  if (args.options.has('help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  switch (command) {
    case 'index':
      return runIndex(args);
    case 'query':
      return runQuery(args);
    case 'ask':
      return runAsk(args);
    case 'status':
      return runStatus(args);
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

async function openEngine(args: ParsedArgs, needed: number): Promise<Engine> {
  if (args.positional.length < needed) throw new UsageError('Missing arguments.');
  const folder = args.positional[0];
  const verbose = args.options.has('verbose');
  const indexDir = stringOption(args, 'index-dir') ?? path.join(folder, '.grounded');
  return Engine.open({
    folder,
    indexDir,
    config: readSharedIndexSettings(folder),
    embedder: await embedderFromEnvironment(readEnvironment(), indexDir),
    // How often a full run writes what it has so far (a kill loses at most this much work).
    flushEveryFiles: Number(process.env.GROUNDED_FLUSH_EVERY_FILES) || undefined,
    log: (m) => {
      if (verbose || m.startsWith('Rebuilding')) process.stderr.write(m + '\n');
    },
  });
}

async function runIndex(args: ParsedArgs): Promise<number> {
  const engine = await openEngine(args, 1);
  const progress = process.stderr.isTTY ? progressPrinter() : undefined;
  const summary = await engine.indexAll({ onProgress: progress });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  printSummary(summary, engine.indexDir);
  if (summary.error) {
    process.stderr.write(`grounded: indexing stopped early: ${summary.error}\n`);
    return 1;
  }
  return 0;
}

function progressPrinter() {
  let last = 0;
  return (p: { phase: string; done: number; total: number }) => {
    if (Date.now() - last < 100) return;
    last = Date.now();
    process.stderr.write(`\r\x1b[K${p.phase} ${p.total ? `${p.done}/${p.total}` : ''}`);
  };
}

function printSummary(s: IndexSummary, indexDir: string): void {
  const lines = [
    `Indexed ${s.files} files into ${s.chunks} chunks in ${(s.ms / 1000).toFixed(1)} s (${indexDir}).`,
    `  added ${s.added}, updated ${s.updated}, renamed ${s.renamed}, removed ${s.removed}, unchanged ${s.unchanged}, skipped ${s.skipped.length}${s.failed.length ? `, failed ${s.failed.length}` : ''}`,
  ];
  if (s.rebuildReason) lines.push(`  rebuilt: ${s.rebuildReason}`);
  for (const f of s.failed.slice(0, 20)) lines.push(`  failed: ${f.relPath}: ${f.reason}`);
  process.stdout.write(lines.join('\n') + '\n');
}

async function ensureFresh(engine: Engine, args: ParsedArgs): Promise<void> {
  if (args.options.has('no-update')) return;
  const s = await engine.indexAll();
  if (s.added + s.updated + s.removed + s.renamed > 0) {
    process.stderr.write(`Index updated: ${s.added} added, ${s.updated} updated, ${s.removed} removed, ${s.renamed} renamed (${s.chunks} chunks).\n`);
  }
}

async function runQuery(args: ParsedArgs): Promise<number> {
  const batch = stringOption(args, 'batch');
  const engine = await openEngine(args, batch ? 1 : 2);
  const topK = intOption(args, 'top-k', 10);
  await ensureFresh(engine, args);
  if (batch) return runBatch(engine, batch, topK);
  const text = args.positional.slice(1).join(' ');
  const results = await engine.query(text, { topK });
  if (args.options.has('json')) {
    process.stdout.write(JSON.stringify({ query: text, results }, null, 2) + '\n');
    return 0;
  }
  if (results.length === 0) process.stdout.write(`Nothing in the index matches "${text}".\n`);
  const explain = args.options.has('explain');
  results.forEach((r, i) =>
    process.stdout.write(`${i + 1}. ${r.path}:${r.startLine}-${r.endLine}  ${r.title}  (${r.kind}, ${r.score})${explain ? `  why: ${r.why ?? 'fused rank'}` : ''}\n`),
  );
  return 0;
}

async function runBatch(engine: Engine, file: string, topK: number): Promise<number> {
  const input = file === '-' ? process.stdin : fs.createReadStream(file);
  input.on('error', () => undefined);
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      let q: { id?: unknown; text?: unknown };
      try {
        q = JSON.parse(line);
      } catch {
        throw new UsageError(`${file} line ${n} is not JSON: expected {"id": "...", "text": "..."}.`);
      }
      if (typeof q.text !== 'string') throw new UsageError(`${file} line ${n} has no "text" string.`);
      const results = await engine.query(q.text, { topK });
      process.stdout.write(JSON.stringify({ id: q.id, results: results.map(batchResult) }) + '\n');
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`Cannot read the batch file ${file}.`);
    throw err;
  }
  return 0;
}

function batchResult(r: SearchResult) {
  return { path: r.path, startLine: r.startLine, endLine: r.endLine, title: r.title, kind: r.kind, score: r.score };
}

async function runAsk(args: ParsedArgs): Promise<number> {
  const engine = await openEngine(args, 2);
  const question = args.positional.slice(1).join(' ');
  await ensureFresh(engine, args);
  const generator = generatorFromEnvironment(readEnvironment());
  const rewrite = generator ? await rewriteQuery(question, generator) : undefined;
  const results = await engine.query(question, { topK: intOption(args, 'top-k', generator ? 12 : 5), rewrite });
  if (!generator) {
    process.stdout.write(extractiveAnswer(question, results) + '\n\n' + CONFIGURE_MODEL_HINT + '\n');
    return 0;
  }
  const prompt = buildGroundedPrompt(question, results, { maxTokens: generator.maxPromptTokens });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  await generator.generate(prompt, (t) => process.stdout.write(t), controller.signal);
  process.stdout.write('\n\nSources:\n' + prompt.used.map((s, i) => `[${i + 1}] ${s.path}:${s.startLine}-${s.endLine}`).join('\n') + '\n');
  return 0;
}

async function runStatus(args: ParsedArgs): Promise<number> {
  const engine = await openEngine(args, 1);
  const s = await engine.status();
  if (args.options.has('json')) {
    process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `Folder:   ${s.folder}`,
    `Index:    ${s.indexDir} (${formatBytes(s.diskBytes)})`,
    `Model:    ${s.identityText}`,
    `Files:    ${s.files} indexed, ${s.skipped.length} skipped`,
    `Chunks:   ${s.chunks}`,
    `Updated:  ${s.updatedAt}`,
  ];
  for (const k of s.skipped.slice(0, 20)) lines.push(`  skipped ${k.relPath}: ${k.reason}`);
  if (s.skipped.length > 20) lines.push(`  … and ${s.skipped.length - 20} more skipped (see --json)`);
  for (const e of s.errors) lines.push(`Error:    ${e}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`grounded: ${err.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`grounded: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
