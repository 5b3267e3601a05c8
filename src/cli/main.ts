import * as fs from 'fs';
import * as readline from 'readline';
import { version } from '../../package.json';
import { Engine, IndexSummary } from '../core/engine';
import { NoIndexError } from '../core/store/shardedStore';
import { formatBytes } from '../core/discovery/walk';
import { excerpt } from '../core/format/excerpt';
import { visibleLines, visibleText } from '../core/format/visibleText';
import { answerQuestion } from '../core/answer/answerQuestion';
import { extractiveAnswer } from '../core/prompt/extractiveAnswer';
import { citationLabel } from '../core/prompt/citationLabel';
import { SearchResult } from '../core/retrieval/types';
import { intOption, parseArgs, ParsedArgs, stringOption, UsageError } from './args';
import { CONFIGURE_MODEL_HINT, generatorFromEnvironment, readEnvironment } from './environment';
import { errorText } from './errorText';
import { freshnessLine, terminalProgress } from './indexProgress';
import { openEngine, requireArguments } from './openEngine';
import { USAGE, usageFor } from './usage';

const VALUED = new Set(['index-dir', 'top-k', 'batch']);
const SWITCHES = new Set(['json', 'no-update', 'help', 'verbose', 'version', 'explain']);
const SHORT = new Map([
  ['k', 'top-k'],
  ['h', 'help'],
  ['V', 'version'],
]);

/** Runs one command; a usage error is reported with that command's synopsis and exit code 2. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    return await run(command, rest);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`grounded: ${err.message}\n\n${usageFor(command)}\n`);
    return 2;
  }
}

async function run(command: string | undefined, rest: string[]): Promise<number> {
  if (!command) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  if (command === '--help' || command === 'help' || command === '-h') return printed(USAGE);
  if (command === '--version' || command === '-V') return printed(`grounded ${version}`);
  const args = parseArgs(rest, VALUED, SWITCHES, SHORT);
  if (args.options.has('help')) return printed(usageFor(command));
  if (args.options.has('version')) return printed(`grounded ${version}`);
  switch (command) {
    case 'index':
      return runIndex(args);
    case 'query':
      return runQuery(args);
    case 'ask':
      return runAsk(args);
    case 'status':
      return runStatus(args);
    case 'mcp':
      // Loaded only for this command: the MCP SDK would add a tenth of a second to every other one's start.
      return (await import('./mcpServer')).runMcpServer(args);
    default:
      throw new UsageError(`Unknown command "${excerpt(command, 40)}".`);
  }
}

function printed(text: string): number {
  process.stdout.write(text + '\n');
  return 0;
}

async function runIndex(args: ParsedArgs): Promise<number> {
  const engine = await openEngine(args, ['<folder>']);
  const progress = process.stderr.isTTY ? progressPrinter() : undefined;
  const summary = await engine.indexAll({ onProgress: progress });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  printSummary(summary, engine.indexDir);
  if (summary.error) process.stderr.write(`grounded: indexing stopped early: ${summary.error}\n`);
  const failed = summary.failed.length;
  // A run that left files out of the index must not look like success to a script or CI.
  if (failed) process.stderr.write(`grounded: ${failed} ${failed === 1 ? 'file' : 'files'} failed; the next run retries them.\n`);
  return summary.error || failed ? 1 : 0;
}

function progressPrinter() {
  return terminalProgress(process.stderr).update;
}

function printSummary(s: IndexSummary, indexDir: string): void {
  const lines = [
    `Indexed ${s.files} files into ${s.chunks} chunks in ${(s.ms / 1000).toFixed(1)} s (${visibleText(indexDir)}).`,
    `  added ${s.added}, updated ${s.updated}, renamed ${s.renamed}, removed ${s.removed}, unchanged ${s.unchanged}, skipped ${s.skipped.length}${s.failed.length ? `, failed ${s.failed.length}` : ''}`,
  ];
  if (s.rebuildReason) lines.push(`  rebuilt: ${visibleText(s.rebuildReason)}`);
  for (const f of s.failed.slice(0, 20)) lines.push(`  failed: ${visibleText(f.relPath)}: ${visibleText(f.reason)}`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** Brings the index up to date before a query: live progress on a terminal, then at most one line, on stderr so stdout stays the answer. */
async function ensureFresh(engine: Engine, args: ParsedArgs): Promise<void> {
  if (args.options.has('no-update')) return;
  const progress = process.stderr.isTTY ? terminalProgress(process.stderr) : undefined;
  let summary: IndexSummary;
  try {
    summary = await engine.indexAll({ onProgress: progress?.update });
  } finally {
    progress?.clear();
  }
  const line = freshnessLine(summary);
  if (line) process.stderr.write(line + '\n');
}

/** The words after the folder, as one text (`name`); a blank one is as good as missing. */
function textArgument(args: ParsedArgs, name: string): string {
  requireArguments(args, ['<folder>', name]);
  const text = args.positional.slice(1).join(' ');
  if (!text.trim()) throw new UsageError(`${name} is empty.`);
  return text;
}

async function runQuery(args: ParsedArgs): Promise<number> {
  const batch = stringOption(args, 'batch');
  const text = batch ? '' : textArgument(args, '<text>');
  const topK = intOption(args, 'top-k', 10);
  const engine = await openEngine(args, ['<folder>'], args.options.has('no-update'));
  await ensureFresh(engine, args);
  await warnRepairing(engine);
  if (batch) return runBatch(engine, batch, topK);
  const results = await engine.query(text, { topK });
  if (args.options.has('json')) {
    process.stdout.write(JSON.stringify({ query: text, results }, null, 2) + '\n');
    return 0;
  }
  if (results.length === 0) process.stdout.write(`Nothing in the index matches "${excerpt(text)}".\n`);
  const explain = args.options.has('explain');
  results.forEach((r, i) =>
    process.stdout.write(`${i + 1}. ${visibleText(r.path)}:${r.startLine}-${r.endLine}  ${visibleText(r.title)}  (${r.kind}, ${r.score})${explain ? `  why: ${r.why ?? 'fused rank'}` : ''}\n`),
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
      process.stdout.write(JSON.stringify({ id: q.id, results: results.map(resultFields) }) + '\n');
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`Cannot read the batch file ${file}.`);
    throw err;
  }
  return 0;
}

/** A result without its text, as batch queries and `ask --json` list sources. */
function resultFields(r: SearchResult) {
  const locator = { ...(r.page !== undefined ? { page: r.page } : {}), ...(r.cell !== undefined ? { cell: r.cell } : {}) };
  return { path: r.path, startLine: r.startLine, endLine: r.endLine, title: r.title, kind: r.kind, score: r.score, ...locator };
}

async function runAsk(args: ParsedArgs): Promise<number> {
  const question = textArgument(args, '<question>');
  const json = args.options.has('json');
  const env = readEnvironment();
  const generator = generatorFromEnvironment(env);
  const topK = intOption(args, 'top-k', generator ? 12 : 5);
  const engine = await openEngine(args, ['<folder>'], args.options.has('no-update'));
  await ensureFresh(engine, args);
  await warnRepairing(engine);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  // A JSON reader wants one whole document, so then the answer is collected rather than streamed.
  let collected = '';
  const write = json ? (t: string) => (collected += t) : (t: string) => process.stdout.write(visibleLines(t));
  // With a model, one short call may add search terms; it can only add candidates, and waits at most 2 s.
  const outcome = await answerQuestion(
    { question, search: (text, opts) => engine.query(text, opts), generator, topK, rewrite: true, signal: controller.signal },
    { text: write, citation: (n) => write(`[${n}]`) },
  );
  switch (outcome.kind) {
    case 'nothing':
    case 'extractive': {
      const sources = outcome.kind === 'extractive' ? outcome.snippets : [];
      const answer = extractiveAnswer(question, sources, topK);
      if (json) return printed(JSON.stringify({ question, answer, sources: sources.map(resultFields) }, null, 2));
      return printed(generator ? answer : answer + '\n\n' + CONFIGURE_MODEL_HINT);
    }
    case 'answered':
      if (json) return printed(JSON.stringify({ question, answer: collected, sources: outcome.used.map(resultFields), model: env.chatModel }, null, 2));
      return printed('\n\nSources:\n' + outcome.used.map((s, i) => `[${i + 1}] ${visibleText(citationLabel(s))}`).join('\n'));
    case 'failed':
      throw outcome.error;
    case 'cancelled':
      throw new Error('Cancelled.');
  }
}

/** Results leave out the files of a damaged shard until an index run re-reads them: say so once. */
async function warnRepairing(engine: Engine): Promise<void> {
  const s = await engine.damage();
  if (s.shards.length) process.stderr.write(`grounded: ${s.files} file(s) in ${s.shards.length} damaged index shard(s) (${s.shards.join(', ')}) are missing from results until they are re-indexed (run "grounded index").\n`);
}

async function runStatus(args: ParsedArgs): Promise<number> {
  // Status reads; it never creates, repairs or deletes anything.
  const engine = await openEngine(args, ['<folder>'], true);
  const s = await engine.status({ diskBytes: true });
  if (args.options.has('json')) {
    process.stdout.write(JSON.stringify(s, null, 2) + '\n');
    return 0;
  }
  const lines = [
    `Folder:   ${visibleText(s.folder)}`,
    `Index:    ${visibleText(s.indexDir)} (${formatBytes(s.diskBytes)})`,
    `Model:    ${visibleText(s.identityText)}`,
    `Files:    ${s.files} indexed, ${s.skipped.length} skipped`,
    `Chunks:   ${s.chunks}`,
    `Updated:  ${s.updatedAt}`,
  ];
  const shown = args.options.has('verbose') ? s.skipped.length : 20;
  for (const k of s.skipped.slice(0, shown)) lines.push(`  skipped ${visibleText(k.relPath)}: ${visibleText(k.reason)}`);
  if (s.skipped.length > shown) lines.push(`  … and ${s.skipped.length - shown} more skipped (see --verbose or --json)`);
  for (const e of s.errors) lines.push(`Error:    ${visibleText(e)}`);
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const hint = err instanceof NoIndexError ? ' Build it with: grounded index <folder>' : '';
    process.stderr.write(`grounded: ${visibleText(errorText(err))}${hint}\n`);
    process.exitCode = 1;
  },
);
