import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser } from 'web-tree-sitter';

export interface WasmLocation {
  runtimeWasm: string;
  grammarDir: string;
}

/**
 * Where the tree-sitter runtime and grammars are: beside the bundle in `dist/` (the extension and the
 * CLI), or in node_modules when running the compiled sources (tests).
 */
export function defaultWasmLocation(): WasmLocation {
  const bundled = { runtimeWasm: path.join(__dirname, 'tree-sitter.wasm'), grammarDir: path.join(__dirname, 'grammars') };
  if (fs.existsSync(bundled.runtimeWasm) && fs.existsSync(bundled.grammarDir)) return bundled;
  // Resolved only when running unbundled; the names are held in variables so the bundler leaves them alone.
  const runtimePackage = 'web-tree-sitter';
  const grammarsPackage = 'tree-sitter-wasms/package.json';
  return {
    runtimeWasm: path.join(path.dirname(require.resolve(runtimePackage)), 'tree-sitter.wasm'),
    grammarDir: path.join(path.dirname(require.resolve(grammarsPackage)), 'out'),
  };
}

export type GrammarLoader = (grammar: string) => Promise<Parser | undefined>;

/**
 * Loads the runtime once and each grammar on first use. A grammar that cannot load yields undefined
 * (the caller falls back to line windows) and is reported once.
 */
export function createGrammarLoader(loc: WasmLocation, log?: (message: string) => void): GrammarLoader {
  let runtime: Promise<void> | undefined;
  const parsers = new Map<string, Promise<Parser | undefined>>();
  return (grammar: string) => {
    let parser = parsers.get(grammar);
    if (!parser) {
      runtime ??= Parser.init({ locateFile: () => loc.runtimeWasm });
      parser = runtime
        .then(async () => {
          const language = await Language.load(await fs.promises.readFile(path.join(loc.grammarDir, `tree-sitter-${grammar}.wasm`)));
          const p = new Parser();
          p.setLanguage(language);
          return p;
        })
        .catch((err: unknown) => {
          log?.(`The ${grammar} grammar could not be loaded (${err instanceof Error ? err.message : err}); its files are chunked by lines.`);
          return undefined;
        });
      parsers.set(grammar, parser);
    }
    return parser;
  };
}
