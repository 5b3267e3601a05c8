import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser } from 'web-tree-sitter';
import { errorText } from '../errorText';

/** Where the tree-sitter runtime (`tree-sitter.wasm`) and the grammars (`tree-sitter-<name>.wasm`) are. */
export interface WasmLocation {
  runtimeWasm: string;
  grammarDir: string;
}

/**
 * Beside the bundle in `dist/` (the extension, the worker and the CLI), or in node_modules when
 * running the sources compiled by tsc (tests).
 */
export function defaultWasmLocation(): WasmLocation {
  const bundled = { runtimeWasm: path.join(__dirname, 'tree-sitter.wasm'), grammarDir: path.join(__dirname, 'grammars') };
  if (fs.existsSync(bundled.runtimeWasm) && fs.existsSync(bundled.grammarDir)) return bundled;
  // The names sit in variables so the bundler leaves these look-ups to run time. web-tree-sitter's
  // `exports` map hides its package.json but exports the runtime wasm itself.
  const runtimeWasm = 'web-tree-sitter/tree-sitter.wasm';
  const grammarsPackage = 'tree-sitter-wasms/package.json';
  return {
    runtimeWasm: require.resolve(runtimeWasm),
    grammarDir: path.join(path.dirname(require.resolve(grammarsPackage)), 'out'),
  };
}

/** A parser for a grammar, or undefined when the grammar cannot be loaded. */
export type GrammarLoader = (grammar: string) => Promise<Parser | undefined>;

/** Grammar names are file-name parts; anything else is refused rather than joined into a path. */
const GRAMMAR_NAME = /^[a-z0-9_]+$/;

/**
 * Loads the runtime on first use and each grammar on first use, once (the promise is kept, so
 * concurrent callers share one load). A grammar that cannot load yields undefined, so its files are
 * chunked by lines, and is reported once through `log`.
 */
export function createGrammarLoader(loc: WasmLocation, log?: (message: string) => void): GrammarLoader {
  let runtime: Promise<void> | undefined;
  const parsers = new Map<string, Promise<Parser | undefined>>();
  // Two grammars linked at once corrupt each other (web-tree-sitter resolves a module's symbols
  // through shared state: "bad export type for 'tree_sitter_typescript_external_scanner_create'"
  // while loading python), so loads take turns.
  let previousLoad: Promise<unknown> = Promise.resolve();
  const load = async (grammar: string): Promise<Parser> => {
    if (!GRAMMAR_NAME.test(grammar)) throw new Error('not a grammar name');
    runtime ??= Parser.init({ locateFile: () => loc.runtimeWasm });
    await runtime;
    const bytes = await fs.promises.readFile(path.join(loc.grammarDir, `tree-sitter-${grammar}.wasm`));
    const linked = previousLoad.then(() => Language.load(bytes));
    previousLoad = linked.catch(() => undefined);
    const parser = new Parser();
    parser.setLanguage(await linked);
    return parser;
  };
  return (grammar) => {
    let parser = parsers.get(grammar);
    if (!parser) {
      parser = load(grammar).catch((err: unknown) => {
        log?.(`The ${grammar} grammar could not be loaded (${errorText(err)}); its files are chunked by lines.`);
        return undefined;
      });
      parsers.set(grammar, parser);
    }
    return parser;
  };
}
