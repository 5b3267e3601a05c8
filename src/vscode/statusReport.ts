import { formatBytes } from '../core/discovery/walk';
import { IndexStatus } from '../core/engine';
import { escapeMarkdown } from '../core/format/markdownText';
import { FolderIndex } from './folderIndex';

/** The index status as Markdown, for the status document and `@grounded /status`. */
export async function statusMarkdown(folders: FolderIndex[], trusted: boolean, restricted: readonly string[]): Promise<string> {
  if (folders.length === 0) return 'Grounded indexes workspace folders: open a folder to start.';
  const parts: string[] = ['# Grounded index status', ''];
  for (const f of folders) {
    let s: IndexStatus | undefined;
    try {
      s = await f.status();
    } catch (err) {
      parts.push(`## ${escapeMarkdown(f.folder.name)}`, '', `Error: ${escapeMarkdown(err instanceof Error ? err.message : String(err))}`, '');
      continue;
    }
    parts.push(
      `## ${escapeMarkdown(f.folder.name)}`,
      '',
      `| | |`,
      `|---|---|`,
      `| Files | ${s.files} indexed, ${s.skipped.length} skipped |`,
      `| Chunks | ${s.chunks} |`,
      `| Size on disk | ${formatBytes(s.diskBytes)} |`,
      `| Retrieval | ${escapeMarkdown(s.identityText)} |`,
      `| Last update | ${s.updatedAt} |`,
      `| Index folder | ${escapeMarkdown(s.indexDir)} |`,
      `| State | ${f.indexing ? 'indexing' : f.lastError ? `error: ${escapeMarkdown(f.lastError)}` : 'ready'} |`,
      '',
    );
    const failed = f.lastSummary?.failed ?? [];
    for (const e of [...s.errors, ...failed.map((x) => `${x.relPath}: ${x.reason}`)]) parts.push(`- Error: ${escapeMarkdown(e)}`);
    if (s.skipped.length) {
      parts.push('', '### Skipped files', '');
      for (const k of s.skipped.slice(0, 100)) parts.push(`- ${escapeMarkdown(k.relPath)}: ${escapeMarkdown(k.reason)}`);
      if (s.skipped.length > 100) parts.push(`- … and ${s.skipped.length - 100} more`);
    }
    parts.push('');
  }
  if (!trusted) {
    parts.push('## Restricted mode', '', 'This workspace is not trusted, so its values for these settings are ignored (your user settings still apply): ' + restricted.map((s) => `\`grounded.${s}\``).join(', '), '');
  }
  return parts.join('\n');
}
