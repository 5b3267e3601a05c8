import * as fs from 'fs';
import * as path from 'path';

/** A deterministic workspace of Markdown and code files of varied sizes. */
export function writeCorpus(root: string, files: number, version = 0): void {
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `pkg${i % 7}`);
    fs.mkdirSync(dir, { recursive: true });
    if (i % 3 === 0) {
      const sections = Array.from({ length: 2 + (i % 5) }, (_, s) => `## Section ${s}\n\nFile ${i} version ${version} section ${s} talks about topic${i % 11} and item${i}.\n`);
      fs.writeFileSync(path.join(dir, `doc${i}.md`), `# Document ${i}\n\n${sections.join('\n')}`);
    } else if (i % 3 === 1) {
      const fns = Array.from({ length: 1 + (i % 4) }, (_, f) => `export function fn${i}_${f}(x: number): number {\n  // version ${version}\n  return x * ${f + i};\n}\n`);
      fs.writeFileSync(path.join(dir, `mod${i}.ts`), fns.join('\n'));
    } else {
      fs.writeFileSync(path.join(dir, `script${i}.py`), `def handler_${i}(event):\n    """Handles topic${i % 11}, version ${version}."""\n    return event\n`);
    }
  }
}
