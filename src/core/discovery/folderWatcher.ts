import * as fs from 'fs';
import * as path from 'path';

/**
 * How changes are noticed between two checks of the folder. `recursive`: one native recursive watch
 * (macOS, Windows). `directories`: one watch a directory that holds indexed files (elsewhere: Node's
 * recursive watch on Linux walks and watches every file, dependencies and `.git` included).
 * `none`: no watch could be set up, so every check is a full stat pass.
 */
export type WatchMode = 'recursive' | 'directories' | 'none';

export interface FolderWatcher {
  readonly mode: WatchMode;
  /** Watches exactly these directories (relative, `''` for the folder) in `directories` mode. */
  watchDirectories(relDirs: Iterable<string>): void;
  close(): void;
}

export interface WatchOptions {
  /** Changes under these relative paths are not reported (the index's own folder). */
  ignore: (relPath: string) => boolean;
  /** Whether a directory that appears is watched at once (not one the index leaves out, such as node_modules). */
  watchable?: (relDir: string) => boolean;
  log?: (message: string) => void;
  /** Tests force a mode; otherwise the platform decides. */
  mode?: WatchMode;
}

const NATIVE_RECURSIVE = new Set(['darwin', 'win32']);

export function watchFolder(folder: string, onChange: (relPath: string) => void, opts: WatchOptions): FolderWatcher {
  const mode = opts.mode ?? (NATIVE_RECURSIVE.has(process.platform) ? 'recursive' : 'directories');
  const report = (relPath: string) => {
    const rel = relPath.split(path.sep).join('/');
    if (!opts.ignore(rel)) onChange(rel);
  };
  if (mode === 'recursive') return recursiveWatcher(folder, report, opts.log);
  if (mode === 'directories') return directoryWatcher(folder, report, opts.watchable ?? ((rel) => !opts.ignore(rel)), opts.log);
  return { mode: 'none', watchDirectories: () => undefined, close: () => undefined };
}

function recursiveWatcher(folder: string, report: (rel: string) => void, log?: (m: string) => void): FolderWatcher {
  const state: { mode: WatchMode; watcher?: fs.FSWatcher } = { mode: 'recursive' };
  try {
    state.watcher = fs.watch(folder, { recursive: true, persistent: false }, (_event, name) => report(name ? String(name) : ''));
    state.watcher.on('error', (err) => {
      log?.(`Folder watch stopped (${err.message}); every call now checks the folder.`);
      state.mode = 'none';
    });
  } catch (err) {
    log?.(`No recursive folder watch (${(err as Error).message}); every call checks the folder.`);
    state.mode = 'none';
  }
  return {
    get mode() {
      return state.mode;
    },
    watchDirectories: () => undefined,
    close: () => state.watcher?.close(),
  };
}

function directoryWatcher(folder: string, report: (rel: string) => void, watchable: (rel: string) => boolean, log?: (m: string) => void): FolderWatcher {
  const watchers = new Map<string, fs.FSWatcher>();
  // Directories that appeared since the last check: kept watched even while they hold no indexed file yet.
  const appeared = new Set<string>();
  let failed = false;
  const watchOne = (rel: string) => {
    if (watchers.has(rel) || failed) return;
    try {
      const w = fs.watch(path.join(folder, rel), { persistent: false }, (_event, name) => {
        const child = name ? (rel ? `${rel}/${name}` : String(name)) : rel;
        report(child);
        // A new directory is watched at once, so files written into it next are not missed.
        if (name && watchable(child)) {
          fs.promises.stat(path.join(folder, child)).then(
            (s) => s.isDirectory() && (appeared.add(child), watchOne(child)),
            () => appeared.delete(child),
          );
        }
      });
      w.on('error', () => {
        w.close();
        watchers.delete(rel);
        appeared.delete(rel);
        report(rel);
      });
      watchers.set(rel, w);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      // Out of watches (ENOSPC) or descriptors: stop watching rather than watch a part and trust it.
      failed = true;
      log?.(`Folder watch unavailable (${code ?? (err as Error).message}); every call now checks the folder.`);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    }
  };
  return {
    get mode(): WatchMode {
      return failed ? 'none' : 'directories';
    },
    watchDirectories(relDirs) {
      const wanted = new Set(relDirs);
      for (const rel of appeared) if (fs.existsSync(path.join(folder, rel))) wanted.add(rel);
      appeared.clear();
      for (const [rel, w] of watchers) {
        if (wanted.has(rel)) continue;
        w.close();
        watchers.delete(rel);
      }
      for (const rel of wanted) watchOne(rel);
    },
    close() {
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/** The directories that hold the given files, and every directory between them and the folder. */
export function directoriesOf(relPaths: Iterable<string>): Set<string> {
  const dirs = new Set<string>(['']);
  for (const p of relPaths) {
    for (let d = path.posix.dirname(p); d !== '.' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
  }
  return dirs;
}
