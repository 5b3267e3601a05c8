import * as fs from 'fs';
import * as path from 'path';
import ignore, { Ignore } from 'ignore';
import picomatch from 'picomatch';
import { GroundedConfig } from '../config';
import { BINARY_EXTENSIONS, DEFAULT_EXCLUDED_DIRS, GENERATED_PATTERNS, SECRET_PATTERNS } from './defaultExclusions';

/** Why a path is not indexed, or undefined when it is. */
export type SkipReason = string | undefined;

export interface PathFilter {
  /** Checks one entry of a directory whose ancestors already passed. `relPath` uses `/`. */
  checkEntry(relPath: string, isDir: boolean): SkipReason;
  /** Checks a path and every directory above it (for single-file updates from save events). */
  checkPath(relPath: string): SkipReason;
}

const IGNORE_FILES = ['.gitignore', '.groundedignore'];

/**
 * The rules that decide which files are indexed: built-in exclusions, secrets, nested `.gitignore`
 * and `.groundedignore` files (git's semantics: a deeper file can re-include), and the configured globs.
 */
export function createPathFilter(root: string, config: GroundedConfig): PathFilter {
  const builtInSecrets = ignore().add(SECRET_PATTERNS);
  const userSecrets = ignore().add(addingPatterns(config.secretPatterns));
  const builtIn = ignore().add([...DEFAULT_EXCLUDED_DIRS, ...GENERATED_PATTERNS]);
  const excluded = config.exclude.length ? picomatch(config.exclude, { dot: true }) : undefined;
  const included = config.include.length ? picomatch(config.include, { dot: true }) : undefined;
  const perDir = new Map<string, Ignore | null>();

  const rulesOf = (relDir: string): Ignore | null => {
    let rules = perDir.get(relDir);
    if (rules !== undefined) return rules;
    rules = null;
    for (const name of IGNORE_FILES) {
      if (name === '.gitignore' && !config.respectGitignore) continue;
      const text = readSmallFile(path.join(root, relDir, name));
      if (text !== undefined) (rules ??= ignore()).add(text);
    }
    perDir.set(relDir, rules);
    return rules;
  };

  const ignoredByFiles = (relPath: string, isDir: boolean): boolean => {
    const probe = isDir ? relPath + '/' : relPath;
    let ignored = false;
    const parts = relPath.split('/');
    for (let depth = 0; depth < parts.length; depth++) {
      const relDir = parts.slice(0, depth).join('/');
      const rules = rulesOf(relDir);
      if (!rules) continue;
      const result = rules.test(relDir ? probe.slice(relDir.length + 1) : probe);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    }
    return ignored;
  };

  const checkEntry = (relPath: string, isDir: boolean): SkipReason => {
    const probe = isDir ? relPath + '/' : relPath;
    if (builtInSecrets.ignores(probe) || userSecrets.ignores(probe)) return 'may hold secrets';
    if (builtIn.ignores(probe)) return isDir ? 'dependency, VCS or build folder' : 'lock file or generated file';
    if (ignoredByFiles(relPath, isDir)) return 'ignored by .gitignore or .groundedignore';
    if (isDir) return excluded?.(relPath) || excluded?.(relPath + '/') ? 'excluded by setting' : undefined;
    if (excluded?.(relPath)) return 'excluded by setting';
    if (included && !included(relPath)) return 'not matched by the include setting';
    const ext = path.extname(relPath).slice(1).toLowerCase();
    if (BINARY_EXTENSIONS.has(ext)) return 'binary file type';
    return undefined;
  };

  const checkPath = (relPath: string): SkipReason => {
    const parts = relPath.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const reason = checkEntry(parts.slice(0, depth).join('/'), true);
      if (reason) return reason;
    }
    return checkEntry(relPath, false);
  };

  return { checkEntry, checkPath };
}

/**
 * The secret patterns of settings only add: a negation (`!.env`) would re-include what a built-in rule
 * keeps out, and the setting may come from a repository's own `.vscode/settings.json`. Built-in and
 * user rules are separate sets, so even a user pattern cannot reach into the built-in one.
 */
function addingPatterns(patterns: readonly string[]): string[] {
  return patterns.filter((p) => typeof p === 'string' && !p.trimStart().startsWith('!'));
}

function readSmallFile(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > 1024 * 1024) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
