import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod/v4';
import { FreshIndex } from '../core/tools/freshIndex';
import { definitionsToolText, searchToolText } from '../core/prompt/toolResult';
import { findDefinitions } from '../core/retrieval/definitions';
import { indexStatusReport } from '../core/tools/indexStatusReport';
import { DEFAULT_TOP_K, MAX_TOP_K, SEARCH_DESCRIPTION, searchInputShape, searchQuery } from '../core/tools/searchInput';

const DEFINITION_DESCRIPTION =
  'Finds where a symbol is defined in this workspace: a function, method, class, interface, type or module, or a ' +
  'documentation heading of that name. Give the bare name ("parseArgs", "UsageError"), not a qualified path. Returns the ' +
  'defining snippets with path and lines, exact definitions first, then members of a container of that name, then ' +
  'matches ignoring case. For where a symbol is used, or for concepts, use search.';

const STATUS_DESCRIPTION =
  "Reports the state of this workspace's index as JSON: files and chunks it holds, when it was last brought up to date, " +
  'whether an update is running, how changes are watched, and which files were skipped and why (binary, too large, ' +
  'generated, secrets). Use it when search results look incomplete or out of date.';

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

/** The three tools an agent gets; each waits for the index to open and brings it up to date before answering. */
export function registerGroundedTools(server: McpServer, ready: () => Promise<FreshIndex>): void {
  const fresh = async () => {
    const index = await ready();
    await index.beforeCall();
    return index;
  };
  server.registerTool('search', { title: 'Search workspace docs and code', description: SEARCH_DESCRIPTION, inputSchema: searchInputShape, annotations: READ_ONLY }, async (args) => {
    const { text: query, options } = searchQuery(args);
    const index = await fresh();
    return text(searchToolText(query, await index.engine.query(query, options)));
  });
  const definitionShape = {
    symbol: z.string().min(1).describe('The bare name of the function, class, method, type or heading.'),
    topK: z.number().int().min(1).max(MAX_TOP_K).optional().describe(`Most definitions to return (1-${MAX_TOP_K}, default ${DEFAULT_TOP_K}).`),
  };
  server.registerTool('find_definition', { title: 'Find a definition', description: DEFINITION_DESCRIPTION, inputSchema: definitionShape, annotations: READ_ONLY }, async ({ symbol, topK }) => {
    if (!symbol.trim()) throw new Error('Invalid find_definition arguments: "symbol" is blank.');
    const index = await fresh();
    const chunks = [...index.engine.indexedFiles()].flatMap((e) => e.chunks);
    return text(definitionsToolText(symbol, findDefinitions(chunks, symbol, topK ?? DEFAULT_TOP_K)));
  });
  server.registerTool('index_status', { title: 'Index status', description: STATUS_DESCRIPTION, inputSchema: {}, annotations: READ_ONLY }, async () => {
    const index = await ready();
    return text(JSON.stringify(indexStatusReport(await index.engine.status(), index.state(), index.skippedFiles()), null, 2));
  });
}
