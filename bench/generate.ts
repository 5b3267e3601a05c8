import * as fs from 'fs';
import * as path from 'path';

/**
 * A deterministic workspace of realistic-looking Markdown, TypeScript, Python and Go, about ten chunks
 * a file. The same (files, seed) always gives the same bytes.
 */
const WORDS = (
  'index shard vector query chunk token hover chat save watch folder settings model endpoint cache retry backoff ' +
  'lock write rename commit branch merge deploy release config secret policy review test build invoice account ' +
  'payment ledger session user token refresh expire queue worker schedule metric alert budget quota region ' +
  'replica failover snapshot restore migrate schema table column partition stream batch window aggregate'
).split(' ');

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function words(rand: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

function ident(rand: () => number): string {
  const a = WORDS[Math.floor(rand() * WORDS.length)];
  const b = WORDS[Math.floor(rand() * WORDS.length)];
  return a + b[0].toUpperCase() + b.slice(1);
}

export function markdownFile(i: number, rand: () => number): string {
  const parts = [`# ${words(rand, 3)} ${i}`, '', words(rand, 30) + '.', ''];
  for (let s = 0; s < 9; s++) parts.push(`## ${words(rand, 2)} ${s}`, '', words(rand, 50) + '.', '', words(rand, 25) + '.', '');
  return parts.join('\n');
}

function tsFile(i: number, rand: () => number): string {
  const fns = Array.from({ length: 9 }, () => {
    const name = ident(rand);
    return `/** ${words(rand, 12)}. */\nexport function ${name}(input: string, limit = ${Math.floor(rand() * 100)}): string[] {\n  const parts = input.split(' ');\n  // ${words(rand, 10)}\n  return parts.filter((p) => p.length < limit).map((p) => p + '${ident(rand)}');\n}\n`;
  });
  return `import { ${ident(rand)} } from './${ident(rand)}';\n\n${fns.join('\n')}\nexport const VERSION${i} = ${i};\n`;
}

function pyFile(i: number, rand: () => number): string {
  const defs = Array.from({ length: 9 }, () => {
    const name = ident(rand).replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
    return `def ${name}(records, limit=${Math.floor(rand() * 100)}):\n    """${words(rand, 12)}."""\n    result = []\n    for record in records:\n        if len(record) < limit:\n            result.append(record)  # ${words(rand, 6)}\n    return result\n`;
  });
  return `import os\nimport json\n\n\n${defs.join('\n\n')}\n`;
}

function goFile(i: number, rand: () => number): string {
  const fns = Array.from({ length: 9 }, () => {
    const name = ident(rand);
    return `// ${name[0].toUpperCase() + name.slice(1)} ${words(rand, 10)}.\nfunc ${name[0].toUpperCase() + name.slice(1)}(items []string, limit int) []string {\n\tout := make([]string, 0, len(items))\n\tfor _, it := range items {\n\t\tif len(it) < limit {\n\t\t\tout = append(out, it)\n\t\t}\n\t}\n\treturn out\n}\n`;
  });
  return `package pkg${i % 50}\n\nimport "strings"\n\nvar _ = strings.TrimSpace\n\n${fns.join('\n')}`;
}

/** Writes `files` files under `root`, in folders of 100; returns total bytes. */
export function generateWorkspace(root: string, files: number, seed = 42): number {
  const rand = rng(seed);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `area${Math.floor(i / 1000)}`, `mod${Math.floor(i / 100) % 10}`);
    if (i % 100 === 0) fs.mkdirSync(dir, { recursive: true });
    const kind = i % 4;
    const [name, text] =
      kind === 0 ? [`doc${i}.md`, markdownFile(i, rand)] : kind === 1 ? [`file${i}.ts`, tsFile(i, rand)] : kind === 2 ? [`file${i}.py`, pyFile(i, rand)] : [`file${i}.go`, goFile(i, rand)];
    fs.writeFileSync(path.join(dir, name), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

export function queryWords(n: number, seed = 7): string[] {
  const rand = rng(seed);
  return Array.from({ length: n }, () => `${words(rand, 2)} ${ident(rand)}`);
}
