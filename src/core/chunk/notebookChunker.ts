import * as path from 'path';
import { Chunk, ChunkOptions } from '../types';
import type { CodeChunkFn } from './chunkFile';
import { LanguageInfo, languageForPath } from './languages';
import { chunkLineWindows, splitLines } from './lineWindowChunker';
import { chunkProse, headingPathAfter, OuterHeading } from './markdownChunker';

interface NotebookCell {
  kind: 'markdown' | 'code' | 'raw';
  source: string;
}

/** Kernel language names to an extension `languageForPath` knows, when the notebook gives no extension. */
const KERNEL_EXTENSIONS: Record<string, string> = {
  python: '.py', python3: '.py', r: '.r', julia: '.jl', scala: '.scala', javascript: '.js', typescript: '.ts',
  rust: '.rs', go: '.go', ruby: '.rb', bash: '.sh', sh: '.sh', csharp: '.cs', 'c#': '.cs', 'c++': '.cpp',
  cpp: '.cpp', java: '.java', kotlin: '.kt', lua: '.lua', sql: '.sql', powershell: '.ps1',
};

/**
 * A Jupyter notebook (nbformat 4) by cell: Markdown cells by heading like Markdown, with the heading
 * path carried from the cells above; code cells like code in the kernel's language, titled under that
 * heading path. Outputs are left out: they are results of a run, not what the notebook says. Each chunk
 * knows its 1-based cell; lines count the cells' source lines one cell after another.
 */
export async function chunkNotebook(relPath: string, text: string, opts: ChunkOptions, chunkCode: CodeChunkFn): Promise<Chunk[]> {
  const notebook = parseNotebook(text);
  if (!notebook) return [];
  const chunks: Chunk[] = [];
  let headings: OuterHeading[] = [];
  let offset = 0;
  for (const [index, cell] of notebook.cells.entries()) {
    const cellChunks = await chunkCell(relPath, cell, notebook.language, headings, opts, chunkCode);
    for (const c of cellChunks) chunks.push({ ...c, startLine: c.startLine + offset, endLine: c.endLine + offset, cell: index + 1 });
    if (cell.kind === 'markdown') headings = headingPathAfter(cell.source, 'markdown', headings);
    offset += splitLines(cell.source).length;
  }
  return chunks;
}

async function chunkCell(relPath: string, cell: NotebookCell, language: LanguageInfo, headings: OuterHeading[], opts: ChunkOptions, chunkCode: CodeChunkFn): Promise<Chunk[]> {
  if (cell.source.trim() === '') return [];
  if (cell.kind === 'markdown') return chunkProse(relPath, cell.source, 'markdown', opts, headings);
  if (cell.kind === 'raw') return chunkLineWindows(relPath, cell.source, 'plaintext', 'doc', opts);
  const code = language.grammar ? await chunkCode(relPath, cell.source, language, opts) : chunkLineWindows(relPath, cell.source, language.id, 'code', opts);
  const trail = headings.map((h) => h.text);
  const name = path.posix.basename(relPath);
  return code.map((c) => ({ ...c, title: [...trail, ...(c.title && c.title !== name ? [c.title] : [])].join(' > ') || name }));
}

/** The cells and kernel language of an nbformat 4 notebook; undefined for anything else. */
function parseNotebook(text: string): { cells: NotebookCell[]; language: LanguageInfo } | undefined {
  let nb: { cells?: unknown; metadata?: Record<string, unknown> };
  try {
    nb = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!nb || !Array.isArray(nb.cells)) return undefined;
  const cells = nb.cells.map((c: unknown): NotebookCell => {
    const cell = (c ?? {}) as { cell_type?: unknown; source?: unknown };
    const kind = cell.cell_type === 'markdown' || cell.cell_type === 'raw' ? cell.cell_type : 'code';
    const source = Array.isArray(cell.source) ? cell.source.filter((s) => typeof s === 'string').join('') : typeof cell.source === 'string' ? cell.source : '';
    return { kind, source: source.replace(/\r\n/g, '\n') };
  });
  return { cells, language: kernelLanguage(nb.metadata ?? {}) };
}

function kernelLanguage(metadata: Record<string, unknown>): LanguageInfo {
  const info = (metadata.language_info ?? {}) as { name?: unknown; file_extension?: unknown };
  const spec = (metadata.kernelspec ?? {}) as { language?: unknown };
  const ext = typeof info.file_extension === 'string' ? info.file_extension : undefined;
  const name = String(info.name ?? spec.language ?? 'python').toLowerCase();
  const byExt = ext ? languageForPath(`cell${ext}`) : undefined;
  const byName = Object.prototype.hasOwnProperty.call(KERNEL_EXTENSIONS, name) ? languageForPath(`cell${KERNEL_EXTENSIONS[name]}`) : undefined;
  return byExt ?? byName ?? { id: name.replace(/[^a-z0-9+#-]/g, '') || 'plaintext' };
}
