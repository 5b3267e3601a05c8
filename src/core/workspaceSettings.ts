import * as fs from 'fs';
import * as path from 'path';
import { GroundedConfig } from './config';

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

/** `<folder>/.vscode/settings.json` as an object; empty when it is missing or not JSON (it is untrusted input). */
function readWorkspaceSettings(folder: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(stripJsonComments(fs.readFileSync(path.join(folder, '.vscode', 'settings.json'), 'utf8')));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** VS Code's settings files are JSON with comments and trailing commas. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i === -1) break;
      i++;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
