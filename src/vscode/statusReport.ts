import { formatBytes } from '../core/discovery/walk';
import type { IndexProgress, IndexStatus } from '../core/engine';
import { errorText } from '../core/errorText';
import { escapeMarkdown } from '../core/format/markdownText';
import { whenText } from '../core/format/timeText';
import type { IndexIdentity } from '../core/store/identity';

/** What the report reads of a folder's index (a `FolderIndex`). */
export interface StatusSource {
  folder: { name: string };
  indexing: boolean;
  paused: boolean;
  progress?: IndexProgress;
  lastError?: string;
  lastSummary?: { failed: { relPath: string; reason: string }[] };
  status(): Promise<IndexStatus>;
}

/**
 * The index status as Markdown, for the status document and `@grounded /status`. Every value read
 * from the index on disk is escaped: `grounded.json` is as untrusted as any workspace file.
 */
export async function statusMarkdown(folders: readonly StatusSource[], trusted: boolean, restricted: readonly string[], now = new Date()): Promise<string> {
  if (folders.length === 0) return 'Grounded indexes workspace folders: open a folder to start.';
  const parts: string[] = ['# Grounded index status', ''];
  for (const f of folders) {
    parts.push(`## ${escapeMarkdown(f.folder.name)}`, '');
    try {
      parts.push(...folderLines(f, await f.status(), now));
    } catch (err) {
      parts.push(`Error: ${escapeMarkdown(errorText(err))}`, '');
    }
  }
  if (!trusted) {
    parts.push('## Restricted mode', '', 'This workspace is not trusted, so its values for these settings are ignored (your user settings still apply): ' + restricted.map((s) => `\`grounded.${s}\``).join(', '), '');
  }
  return parts.join('\n');
}

function folderLines(f: StatusSource, s: IndexStatus, now: Date): string[] {
  const lines = [
    `- **State:** ${stateText(f)}`,
    `- **Files:** ${count(s.files)} indexed, ${count(s.skipped.length)} skipped`,
    `- **Chunks:** ${count(s.chunks)}`,
    `- **Size on disk:** ${escapeMarkdown(formatBytes(Number(s.diskBytes) || 0))}`,
    `- **Retrieval:** ${retrievalText(s.identity)}`,
    `- **Last update:** ${escapeMarkdown(whenText(s.updatedAt, now) ?? `unknown (${String(s.updatedAt)})`)}`,
    `- **Index folder:** ${escapeMarkdown(s.indexDir)}`,
    '',
  ];
  const failed = f.lastSummary?.failed ?? [];
  for (const e of [...s.errors, ...failed.map((x) => `${x.relPath}: ${x.reason}`)]) lines.push(`- Error: ${escapeMarkdown(e)}`);
  if (s.skipped.length) {
    lines.push('', '### Skipped files', '');
    for (const k of s.skipped.slice(0, 100)) lines.push(`- ${escapeMarkdown(k.relPath)}: ${escapeMarkdown(k.reason)}`);
    if (s.skipped.length > 100) lines.push(`- … and ${s.skipped.length - 100} more`);
  }
  lines.push('');
  return lines;
}

function stateText(f: StatusSource): string {
  if (f.paused) return 'paused (saves are queued until you run **Grounded: Resume Indexing**)';
  if (f.indexing) return `indexing${f.progress?.total ? ` ${progressText(f.progress)}` : ''}`;
  if (f.lastError) return `error: ${escapeMarkdown(f.lastError)}`;
  return 'ready';
}

/** "51/120 files": the one way every view (status bar, notification, status page) counts indexing progress. */
export function progressText(p: { done: number; total: number }): string {
  return `${count(p.done)}/${count(p.total)} files`;
}

/** How results are found, in the user's terms (the chunker version is an internal detail). */
function retrievalText(identity: IndexIdentity): string {
  if (identity.provider === 'lexical') return 'lexical (BM25), offline';
  const model = escapeMarkdown(String(identity.model));
  return `lexical (BM25) and dense, model ${model} at ${count(identity.dimensions)} dimensions`;
}

function count(n: unknown): string {
  return typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US') : '?';
}
