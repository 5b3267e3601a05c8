import * as vscode from 'vscode';
import { searchToolText } from '../core/prompt/toolResult';
import { SearchInput, searchQuery } from '../core/tools/searchInput';
import { WorkspaceIndex } from './workspaceIndex';

const TOOL_NAME = 'grounded_search';

/**
 * Lets agent mode and other participants search the workspace knowledge (`#grounded`): the arguments
 * and the result text are those of the MCP server's `search` tool.
 */
export function registerSearchTool(index: WorkspaceIndex, flushPending: () => Promise<void>): vscode.Disposable {
  return vscode.lm.registerTool<SearchInput>(TOOL_NAME, {
    prepareInvocation(options) {
      const { query, kinds, paths } = options.input;
      const scope = [kinds?.length ? kinds.join(' and ') : '', paths?.length ? `in ${paths.join(', ')}` : ''].filter(Boolean).join(' ');
      return { invocationMessage: `Searching the workspace${scope ? ` (${scope})` : ''} for "${query}"` };
    },
    async invoke(options, token) {
      const { text, options: queryOptions } = searchQuery(options.input);
      await flushPending();
      const results = await index.query(text, queryOptions, token);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(searchToolText(text, results))]);
    },
  });
}
