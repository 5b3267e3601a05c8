// Bundles the extension, the CLI, the indexing worker and the code-chunking worker, and copies the
// WebAssembly files they load at run time (tree-sitter and its grammars) beside them.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const dist = path.join(__dirname, 'dist');

// Grammars shipped in the VSIX: the one list the code chunker's languages and syntax tables follow.
const GRAMMARS = require('./src/core/chunk/shippedGrammars.json');

function copyWasm() {
  const grammarsOut = path.join(dist, 'grammars');
  fs.mkdirSync(grammarsOut, { recursive: true });
  const grammarSrc = path.join(path.dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
  for (const name of GRAMMARS) {
    fs.copyFileSync(path.join(grammarSrc, `tree-sitter-${name}.wasm`), path.join(grammarsOut, `tree-sitter-${name}.wasm`));
  }
  const wtsDir = path.dirname(require.resolve('web-tree-sitter'));
  fs.copyFileSync(path.join(wtsDir, 'tree-sitter.wasm'), path.join(dist, 'tree-sitter.wasm'));
}

// web-tree-sitter's package exports an ES module by default; the bundles are CommonJS.
const webTreeSitterCjs = path.join(path.dirname(require.resolve('web-tree-sitter')), 'tree-sitter.cjs');

// vectra's package entry pulls in web fetchers, gRPC and local-model loaders the store never uses;
// the bundles take only the index and its file storage.
const vectraLib = path.dirname(require.resolve('vectra'));
const vectraSlim = {
  name: 'vectra-slim',
  setup(build) {
    build.onResolve({ filter: /^vectra$/ }, () => ({ path: 'vectra', namespace: 'vectra-slim' }));
    // LocalIndex loads wink's NLP model for its own BM25 mode, which Grounded does not use (it has its own).
    build.onResolve({ filter: /^wink-/ }, (args) => ({ path: args.path, namespace: 'vectra-unused' }));
    build.onLoad({ filter: /.*/, namespace: 'vectra-unused' }, (args) => ({
      contents: `module.exports = function unused() { throw new Error(${JSON.stringify(args.path + ' is not bundled: vectra BM25 mode is not used')}); };`,
      loader: 'js',
    }));
    build.onLoad({ filter: /.*/, namespace: 'vectra-slim' }, () => ({
      contents: `module.exports = { ...require(${JSON.stringify(path.join(vectraLib, 'LocalIndex.js'))}), ...require(${JSON.stringify(path.join(vectraLib, 'storage', 'LocalFileStorage.js'))}) };`,
      resolveDir: vectraLib,
      loader: 'js',
    }));
  },
};

const IMPORT_META_URL = 'var importMetaUrl = require("url").pathToFileURL(__filename).href;';

const common = {
  plugins: [vectraSlim],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  alias: { 'web-tree-sitter': webTreeSitterCjs },
  external: ['vscode'],
  // pdf.js (an ES module) finds its optional packages through `createRequire(import.meta.url)`; in a
  // CommonJS bundle `import.meta` is empty, so each bundle gets its own file's URL instead.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: IMPORT_META_URL },
};

const entries = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node\n' + IMPORT_META_URL } },
  { entryPoints: ['src/core/worker/indexWorker.ts'], outfile: 'dist/indexWorker.js' },
  { entryPoints: ['src/core/chunk/codeChunkWorker.ts'], outfile: 'dist/codeChunkWorker.js' },
].filter((e) => fs.existsSync(e.entryPoints[0]));

async function main() {
  fs.mkdirSync(dist, { recursive: true });
  copyWasm();
  if (watch) {
    for (const e of entries) await (await esbuild.context({ ...common, ...e })).watch();
    return;
  }
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
  if (fs.existsSync(path.join(dist, 'cli.js'))) fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
