import * as vscode from 'vscode';
import { splitLines } from '../core/chunk/lineWindowChunker';
import { citationLabel } from '../core/prompt/citationLabel';
import { WorkspaceResult } from './workspaceIndex';

/**
 * Where a citation opens. A notebook chunk opens its notebook at the cell (the cell's own document URI,
 * with the chunk's lines inside that cell); a PDF opens the file itself, since VS Code has no PDF viewer
 * of its own; anything else opens at its lines.
 */
export async function citationLocation(r: WorkspaceResult): Promise<vscode.Location> {
  if (r.cell !== undefined) {
    const inCell = await notebookCellLocation(r, r.cell).catch(() => undefined);
    if (inCell) return inCell;
    return new vscode.Location(r.uri, new vscode.Position(0, 0));
  }
  if (r.page !== undefined) return new vscode.Location(r.uri, new vscode.Position(0, 0));
  return new vscode.Location(r.uri, new vscode.Range(r.startLine - 1, 0, r.endLine - 1, Number.MAX_SAFE_INTEGER));
}

/** Opens a result where its citation points: a PDF with VS Code's own handling of the file, anything else at its lines. */
export async function openCitation(r: WorkspaceResult): Promise<void> {
  const loc = await citationLocation(r);
  if (r.page !== undefined) await vscode.commands.executeCommand('vscode.open', loc.uri);
  else await vscode.window.showTextDocument(loc.uri, { selection: loc.range });
}

/** How a citation reads as a link: `docs/spec.pdf p. 12`, saying that VS Code shows no PDF pages. */
export function citationTitle(r: WorkspaceResult): string {
  const label = citationLabel(r);
  return r.page !== undefined ? `${label} (opens the file: VS Code has no built-in PDF viewer; the page's text is shown here)` : label;
}

/**
 * The cell's text document, at the chunk's lines within it. The chunk's lines count the notebook's
 * cells one after another (see the notebook chunker), so the cells before it are subtracted.
 */
async function notebookCellLocation(r: WorkspaceResult, cell: number): Promise<vscode.Location | undefined> {
  const notebook = await vscode.workspace.openNotebookDocument(r.uri);
  if (cell < 1 || cell > notebook.cellCount) return undefined;
  let before = 0;
  for (let i = 0; i < cell - 1; i++) before += splitLines(notebook.cellAt(i).document.getText()).length;
  const doc = notebook.cellAt(cell - 1).document;
  const last = Math.max(0, doc.lineCount - 1);
  const start = Math.min(last, Math.max(0, r.startLine - 1 - before));
  const end = Math.min(last, Math.max(start, r.endLine - 1 - before));
  return new vscode.Location(doc.uri, new vscode.Range(start, 0, end, Number.MAX_SAFE_INTEGER));
}
