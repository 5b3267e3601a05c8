import * as path from 'path';
import shippedGrammars from './shippedGrammars.json';

/** The tree-sitter grammars in `dist/grammars` (esbuild.js copies exactly these). */
export const SHIPPED_GRAMMARS: readonly string[] = shippedGrammars;

/** A code language: its id, and the tree-sitter grammar that parses it when one ships with Grounded. */
export interface LanguageInfo {
  id: string;
  grammar?: string;
}

/** Languages with a tree-sitter grammar, by extension; a grammar not in SHIPPED_GRAMMARS is chunked by lines. */
const PARSED: Record<string, [grammar: string, extensions: string[]]> = {
  typescript: ['typescript', ['.ts', '.mts', '.cts']],
  typescriptreact: ['tsx', ['.tsx']],
  javascript: ['javascript', ['.js', '.mjs', '.cjs', '.jsx']],
  python: ['python', ['.py', '.pyi', '.pyw']],
  // Starlark (Bazel) is Python's syntax.
  starlark: ['python', ['.bzl', '.star']],
  go: ['go', ['.go']],
  rust: ['rust', ['.rs']],
  java: ['java', ['.java']],
  csharp: ['c_sharp', ['.cs']],
  c: ['c', ['.c', '.h']],
  cpp: ['cpp', ['.cc', '.cpp', '.cxx', '.c++', '.hpp', '.hh', '.hxx', '.h++', '.ipp', '.inl']],
  ruby: ['ruby', ['.rb', '.rake', '.gemspec', '.ru']],
  php: ['php', ['.php', '.phtml']],
  kotlin: ['kotlin', ['.kt', '.kts']],
  swift: ['swift', ['.swift']],
  scala: ['scala', ['.scala', '.sc', '.sbt']],
  lua: ['lua', ['.lua']],
  shellscript: ['bash', ['.sh', '.bash', '.zsh', '.ksh']],
};

/** Code and configuration with no grammar shipped: indexed as code, by line windows. */
const UNPARSED: Record<string, string[]> = {
  yaml: ['.yaml', '.yml'],
  json: ['.json', '.jsonc', '.json5'],
  toml: ['.toml'],
  ini: ['.ini', '.cfg', '.conf', '.properties', '.editorconfig'],
  sql: ['.sql'],
  css: ['.css'],
  scss: ['.scss', '.sass', '.less'],
  html: ['.html', '.htm'],
  xml: ['.xml', '.xsd', '.xsl', '.plist', '.csproj', '.props', '.targets'],
  vue: ['.vue'],
  svelte: ['.svelte'],
  dart: ['.dart'],
  r: ['.r'],
  perl: ['.pl', '.pm'],
  haskell: ['.hs'],
  elixir: ['.ex', '.exs'],
  erlang: ['.erl', '.hrl'],
  clojure: ['.clj', '.cljs', '.cljc', '.edn'],
  ocaml: ['.ml', '.mli'],
  fsharp: ['.fs', '.fsx'],
  groovy: ['.groovy', '.gradle'],
  proto: ['.proto'],
  graphql: ['.graphql', '.gql'],
  terraform: ['.tf', '.tfvars', '.hcl'],
  powershell: ['.ps1', '.psm1'],
  bat: ['.bat', '.cmd'],
  zig: ['.zig'],
  nim: ['.nim'],
  julia: ['.jl'],
  objectivec: ['.m', '.mm'],
  vb: ['.vb'],
  fortran: ['.f90', '.f95', '.f'],
  solidity: ['.sol'],
  cmake: ['.cmake'],
  makefile: ['.mk', '.mak'],
  dockerfile: ['.dockerfile'],
  csv: ['.csv', '.tsv'],
};

/** Files known by their whole name rather than an extension. */
const BY_NAME: Record<string, LanguageInfo> = {
  Dockerfile: { id: 'dockerfile' },
  Containerfile: { id: 'dockerfile' },
  Makefile: { id: 'makefile' },
  GNUmakefile: { id: 'makefile' },
  makefile: { id: 'makefile' },
  'CMakeLists.txt': { id: 'cmake' },
  Jenkinsfile: { id: 'groovy' },
  Rakefile: { id: 'ruby', grammar: 'ruby' },
  Gemfile: { id: 'ruby', grammar: 'ruby' },
  Vagrantfile: { id: 'ruby', grammar: 'ruby' },
  Podfile: { id: 'ruby', grammar: 'ruby' },
  BUILD: { id: 'starlark', grammar: 'python' },
  'BUILD.bazel': { id: 'starlark', grammar: 'python' },
  WORKSPACE: { id: 'starlark', grammar: 'python' },
  '.bashrc': { id: 'shellscript', grammar: 'bash' },
  '.bash_profile': { id: 'shellscript', grammar: 'bash' },
  '.zshrc': { id: 'shellscript', grammar: 'bash' },
  '.profile': { id: 'shellscript', grammar: 'bash' },
};

const BY_EXTENSION = buildExtensionTable();

function buildExtensionTable(): Map<string, LanguageInfo> {
  const table = new Map<string, LanguageInfo>();
  for (const [id, [grammar, exts]] of Object.entries(PARSED)) for (const e of exts) table.set(e, shipped({ id, grammar }));
  for (const [id, exts] of Object.entries(UNPARSED)) for (const e of exts) table.set(e, { id });
  return table;
}

/**
 * The code language of a path (relative, `/`-separated), or undefined when it is not a code file
 * Grounded knows. Prose (Markdown, reStructuredText, plain text) is not claimed here.
 */
export function languageForPath(relPath: string): LanguageInfo | undefined {
  const base = path.posix.basename(relPath);
  const named = Object.prototype.hasOwnProperty.call(BY_NAME, base) ? BY_NAME[base] : undefined;
  if (named) return shipped(named);
  if (/^(Dockerfile|Containerfile)\./.test(base)) return { id: 'dockerfile' };
  const ext = path.posix.extname(base).toLowerCase();
  const known = BY_EXTENSION.get(ext);
  // A copy, so a caller that changes it cannot change the table.
  return known ? { ...known } : undefined;
}

/** A copy of a language, without its grammar when that grammar is not shipped. */
function shipped(info: LanguageInfo): LanguageInfo {
  return info.grammar && SHIPPED_GRAMMARS.includes(info.grammar) ? { ...info } : { id: info.id };
}
