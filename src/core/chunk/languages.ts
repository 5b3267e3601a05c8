import * as path from 'path';

/** A code language: its id, and the tree-sitter grammar that parses it when one ships with Grounded. */
export interface LanguageInfo {
  id: string;
  grammar?: string;
}

const BY_EXTENSION: Record<string, LanguageInfo> = {};
function add(id: string, grammar: string | undefined, exts: string[]): void {
  for (const e of exts) BY_EXTENSION[e] = { id, grammar };
}

add('typescript', 'typescript', ['.ts', '.mts', '.cts']);
add('typescriptreact', 'tsx', ['.tsx']);
add('javascript', 'javascript', ['.js', '.mjs', '.cjs', '.jsx']);
add('python', 'python', ['.py', '.pyi']);
add('go', 'go', ['.go']);
add('rust', 'rust', ['.rs']);
add('java', 'java', ['.java']);
add('csharp', 'c_sharp', ['.cs']);
add('c', 'c', ['.c', '.h']);
add('cpp', 'cpp', ['.cc', '.cpp', '.cxx', '.c++', '.hpp', '.hh', '.hxx', '.h++', '.ipp']);
add('ruby', 'ruby', ['.rb', '.rake', '.gemspec']);
add('php', 'php', ['.php', '.phtml']);
add('kotlin', 'kotlin', ['.kt', '.kts']);
add('swift', 'swift', ['.swift']);
add('scala', 'scala', ['.scala', '.sc']);
add('lua', 'lua', ['.lua']);
add('shellscript', 'bash', ['.sh', '.bash', '.zsh']);

// Code and configuration with no grammar shipped: indexed as code by line windows.
for (const [id, exts] of Object.entries({
  yaml: ['.yaml', '.yml'], json: ['.json', '.jsonc', '.json5'], toml: ['.toml'], ini: ['.ini', '.cfg', '.conf', '.properties'],
  sql: ['.sql'], css: ['.css'], scss: ['.scss', '.sass', '.less'], html: ['.html', '.htm'], xml: ['.xml', '.xsd', '.plist'],
  vue: ['.vue'], svelte: ['.svelte'], dart: ['.dart'], r: ['.r', '.R'], perl: ['.pl', '.pm'], haskell: ['.hs'],
  elixir: ['.ex', '.exs'], erlang: ['.erl', '.hrl'], clojure: ['.clj', '.cljs', '.cljc', '.edn'], ocaml: ['.ml', '.mli'],
  fsharp: ['.fs', '.fsx'], groovy: ['.groovy', '.gradle'], proto: ['.proto'], graphql: ['.graphql', '.gql'],
  terraform: ['.tf', '.tfvars', '.hcl'], powershell: ['.ps1', '.psm1'], bat: ['.bat', '.cmd'], zig: ['.zig'],
  nim: ['.nim'], julia: ['.jl'], objectivec: ['.m', '.mm'], vb: ['.vb'], fortran: ['.f90', '.f95', '.f'], solidity: ['.sol'],
  cmake: ['.cmake'], makefile: ['.mk', '.mak'], dockerfile: ['.dockerfile'], csv: ['.csv', '.tsv'],
})) {
  add(id, undefined, exts);
}

const BY_NAME: Record<string, LanguageInfo> = {
  Dockerfile: { id: 'dockerfile' },
  Makefile: { id: 'makefile' },
  GNUmakefile: { id: 'makefile' },
  'CMakeLists.txt': { id: 'cmake' },
  Jenkinsfile: { id: 'groovy' },
  Rakefile: { id: 'ruby', grammar: 'ruby' },
  Gemfile: { id: 'ruby', grammar: 'ruby' },
  '.bashrc': { id: 'shellscript', grammar: 'bash' },
};

/** The code language of a path, or undefined when it is not a code file Grounded knows. */
export function languageForPath(relPath: string): LanguageInfo | undefined {
  const base = path.posix.basename(relPath);
  if (BY_NAME[base]) return BY_NAME[base];
  if (base.startsWith('Dockerfile')) return { id: 'dockerfile' };
  const ext = path.posix.extname(base);
  return BY_EXTENSION[ext] ?? BY_EXTENSION[ext.toLowerCase()];
}
