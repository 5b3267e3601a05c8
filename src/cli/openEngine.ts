import { Engine } from '../core/engine';
import { resolveIndexDir } from '../core/store/indexLocation';
import { readSharedIndexSettings } from '../core/workspaceSettings';
import { ParsedArgs, stringOption, UsageError } from './args';
import { embedderFromEnvironment, readEnvironment } from './environment';

/** The engine for `<folder> [--index-dir DIR]`, with the folder's shared settings and the environment's models; logs go to stderr. */
export async function openEngine(args: ParsedArgs, needed: number, readOnly = false): Promise<Engine> {
  if (args.positional.length < needed) throw new UsageError('Missing arguments.');
  const folder = args.positional[0];
  const verbose = args.options.has('verbose');
  const named = stringOption(args, 'index-dir');
  // A `.grounded` that came with the repository may be a link to anywhere: only a folder named on the
  // command line may lie outside the workspace.
  const indexDir = await resolveIndexDir(folder, named ?? '.grounded', { explicit: named !== undefined });
  return Engine.open({
    folder,
    indexDir,
    readOnly,
    config: readSharedIndexSettings(folder),
    embedder: await embedderFromEnvironment(readEnvironment(), indexDir),
    // How often a full run writes what it has so far (a kill loses at most this much work).
    flushEveryFiles: Number(process.env.GROUNDED_FLUSH_EVERY_FILES) || undefined,
    log: (m) => {
      if (verbose || m.startsWith('Rebuilding') || m.startsWith('Warning')) process.stderr.write(`grounded: ${m}\n`);
    },
  });
}
