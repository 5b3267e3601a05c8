import { Engine } from '../core/engine';
import { visibleText } from '../core/format/visibleText';
import { INDEX_FOLDER_NAME, resolveIndexDir } from '../core/store/indexLocation';
import { readSharedIndexSettings } from '../vscode/sharedSettingsFile';
import { ParsedArgs, stringOption, UsageError } from './args';
import { embedderFromEnvironment, readEnvironment } from './environment';
import { prepareIndexFolder, writeIndexGitignore } from './indexFolder';

/**
 * Opens the index of the folder named first; `required` names the arguments the command needs, for
 * the message when some are missing. A read-only open (status, --no-update) creates nothing.
 */
export async function openEngine(args: ParsedArgs, required: readonly string[], readOnly = false): Promise<Engine> {
  requireArguments(args, required);
  const folder = args.positional[0];
  const verbose = args.options.has('verbose');
  const named = stringOption(args, 'index-dir');
  const fromOption = named !== undefined;
  // A `.grounded` that came with the repository may be a link to anywhere: only a folder named on the
  // command line may lie outside the workspace.
  const indexDir = await resolveIndexDir(folder, named ?? INDEX_FOLDER_NAME, { explicit: fromOption });
  const { ignoreInGit } = await prepareIndexFolder({ folder, indexDir, fromOption, create: !readOnly });
  const engine = await Engine.open({
    folder,
    indexDir,
    readOnly,
    config: readSharedIndexSettings(folder),
    embedder: await embedderFromEnvironment(readEnvironment(), indexDir),
    // How often a full run writes what it has so far (a kill loses at most this much work).
    flushEveryFiles: Number(process.env.GROUNDED_FLUSH_EVERY_FILES) || undefined,
    // How far the index may move from its lexical snapshot before it is rewritten (tests set 0).
    snapshotAfterChunks: process.env.GROUNDED_SNAPSHOT_AFTER_CHUNKS ? Number(process.env.GROUNDED_SNAPSHOT_AFTER_CHUNKS) : undefined,
    log: (m) => {
      if (verbose || m.startsWith('Rebuilding') || m.startsWith('Warning')) process.stderr.write(`grounded: ${visibleText(m)}\n`);
    },
  });
  // Only after the engine has made the folder an index (grounded.json): a new folder holding nothing but
  // someone's file is what a check for a Grounded index folder must refuse.
  if (ignoreInGit) await writeIndexGitignore(engine.indexDir);
  return engine;
}

/** `required` names the arguments a command needs (`<folder>`, `<text>`), so the message says which are missing. */
export function requireArguments(args: ParsedArgs, required: readonly string[]): void {
  const missing = required.slice(args.positional.length);
  if (missing.length) throw new UsageError(`Missing ${missing.join(' and ')}.`);
}
