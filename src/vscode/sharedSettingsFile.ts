import * as path from 'path';
import { GroundedConfig } from '../core/config';
import { readJsoncObject } from '../core/jsoncFile';

// The CLI reads these too: this module must not import vscode (lint checks it).

/**
 * The indexing settings a team shares in `<folder>/.vscode/settings.json` (`grounded.index.*`), read by
 * the CLI so that an index it builds is the one the extension would build (same files, same chunk
 * size, hence the same identity). Model and endpoint settings are never taken from the workspace here:
 * the CLI gets those from its environment only.
 */
export function readSharedIndexSettings(folder: string): Partial<GroundedConfig> {
  const settings = readWorkspaceSettings(folder);
  const strings = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const maxKB = num(settings['grounded.index.maxFileSizeKB']);
  const maxDocumentKB = num(settings['grounded.index.maxDocumentSizeKB']);
  const tokens = num(settings['grounded.index.chunkTokens']);
  return {
    include: strings(settings['grounded.index.include']),
    exclude: strings(settings['grounded.index.exclude']),
    secretPatterns: strings(settings['grounded.index.secretPatterns']),
    respectGitignore: typeof settings['grounded.index.respectGitignore'] === 'boolean' ? (settings['grounded.index.respectGitignore'] as boolean) : undefined,
    maxFileBytes: maxKB === undefined ? undefined : Math.max(1024, maxKB * 1024),
    maxDocumentBytes: maxDocumentKB === undefined ? undefined : Math.max(1024, maxDocumentKB * 1024),
    chunkTokens: tokens === undefined ? undefined : Math.min(4000, Math.max(64, tokens)),
  };
}

/** `grounded.index.location` as the team set it (a folder relative to `folder`), when it is set. */
export function readSharedIndexLocation(folder: string): string | undefined {
  const location = readWorkspaceSettings(folder)['grounded.index.location'];
  return typeof location === 'string' && location.trim() ? location.trim() : undefined;
}

/** `<folder>/.vscode/settings.json`, the workspace settings a team commits. */
function readWorkspaceSettings(folder: string): Record<string, unknown> {
  return readJsoncObject(path.join(folder, '.vscode', 'settings.json'));
}
