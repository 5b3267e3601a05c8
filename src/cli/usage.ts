/** The synopsis of each command, shown by --help and under a usage error for that command. */
const COMMAND_USAGE: Record<string, string[]> = {
  index: ['grounded index <folder> [--index-dir DIR] [--verbose]'],
  query: [
    'grounded query <folder> <text> [--index-dir DIR] [-k|--top-k N] [--json] [--explain] [--no-update]',
    'grounded query <folder> --batch FILE [--index-dir DIR] [-k|--top-k N] [--no-update]',
  ],
  ask: ['grounded ask <folder> <question> [--index-dir DIR] [-k|--top-k N] [--json] [--no-update]'],
  status: ['grounded status <folder> [--index-dir DIR] [--json] [--verbose]'],
  mcp: ['grounded mcp <folder> [--index-dir DIR]      (an MCP server over stdio, for agents)'],
};

const NOTES = `The index lives in <folder>/.grounded unless --index-dir says otherwise; a folder the CLI creates
gets a .gitignore so git leaves it alone (not when grounded.index.location shares it). Indexing settings
shared in <folder>/.vscode/settings.json (grounded.index.include, exclude, respectGitignore,
maxFileSizeKB, chunkTokens, secretPatterns) apply, so the CLI builds the index the extension would.
query and ask first bring the index up to date (only changed files are read; progress on stderr);
--no-update skips that. Text that starts with "-" goes after --.
Models (optional) come from the environment: GROUNDED_CHAT_MODEL (written answers), GROUNDED_EMBED_MODEL
(hybrid retrieval), GROUNDED_BASE_URL (an OpenAI-compatible server), GROUNDED_API_KEY (or OPENAI_API_KEY).
-h, --help shows this; -V, --version the version.`;

export const USAGE = `Usage:\n${Object.values(COMMAND_USAGE)
  .flat()
  .map((l) => `  ${l}`)
  .join('\n')}\n\n${NOTES}`;

/** The synopsis for `command` when it is one, else the whole usage. */
export function usageFor(command: string | undefined): string {
  const lines = command && Object.hasOwn(COMMAND_USAGE, command) ? COMMAND_USAGE[command] : undefined;
  return lines ? `Usage:\n${lines.map((l) => `  ${l}`).join('\n')}\nRun "grounded --help" for more.` : USAGE;
}
