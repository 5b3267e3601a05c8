import * as vscode from 'vscode';
import { searchToolText } from '../core/prompt/toolResult';
import { WorkspaceIndex } from './workspaceIndex';

export const TOOL_NAME = 'grounded_search';

interface SearchInput {
  query: string;
  kind?: 'doc' | 'code';
  path?: string;
  topK?: number;
}

/** Lets agent mode and other participants search the workspace knowledge (`#grounded`). */
export function registerSearchTool(index: WorkspaceIndex, flushPending: () => Promise<void>): vscode.Disposable {
  return vscode.lm.registerTool<SearchInput>(TOOL_NAME, {
    prepareInvocation(options) {
      return { invocationMessage: `Searching the workspace for "${options.input.query}"` };
    },
    async invoke(options, token) {
      const { query, kind, path, topK } = options.input;
      if (typeof query !== 'string' || !query.trim()) throw new Error('grounded_search needs a non-empty "query".');
      await flushPending();
      const results = await index.query(query, { topK: Math.min(Math.max(topK ?? 8, 1), 30), kinds: kind ? [kind] : undefined, pathGlobs: path ? [path] : undefined }, token);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(searchToolText(query, results))]);
    },
  });
}
