/** Everything the engine can be told. The VS Code settings and the CLI both map onto this. */
export interface GroundedConfig {
  /** Globs (relative to the folder) a file must match to be indexed; empty means every file. */
  include: string[];
  /** Globs of files never indexed, on top of the built-in exclusions. */
  exclude: string[];
  respectGitignore: boolean;
  /** Files larger than this are skipped. */
  maxFileBytes: number;
  /** PDFs, Word documents, notebooks and HTML larger than this are skipped (they run larger than text). */
  maxDocumentBytes: number;
  /** Largest chunk, in approximate tokens. */
  chunkTokens: number;
  /** Extra patterns (gitignore syntax) for files that hold secrets and are never read. */
  secretPatterns: string[];
}

const DEFAULT_CONFIG: GroundedConfig = {
  include: [],
  exclude: [],
  respectGitignore: true,
  maxFileBytes: 1024 * 1024,
  maxDocumentBytes: 20 * 1024 * 1024,
  chunkTokens: 400,
  secretPatterns: [],
};

export function withDefaults(partial: Partial<GroundedConfig> | undefined): GroundedConfig {
  const c = { ...DEFAULT_CONFIG };
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (value !== undefined) (c as Record<string, unknown>)[key] = value;
  }
  return c;
}
