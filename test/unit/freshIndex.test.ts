import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import { directoriesOf } from '../../src/core/discovery/folderWatcher';
import { Engine } from '../../src/core/engine';
import { FreshIndex } from '../../src/core/tools/freshIndex';
import { tempDir, writeTree } from './helpers';

async function openFresh(mode: 'none' | 'directories', maxAgeMs = 60_000) {
  const root = tempDir('grounded-fresh-');
  writeTree(root, { 'docs/a.md': '# A\n\nThe harbour opens at dawn.\n', 'src/b.ts': 'export function sail(): void {}\n' });
  const engine = await Engine.open({ folder: root, shardCount: 4, chunkThreads: 0 });
  const fresh = new FreshIndex(engine, { watchMode: mode, maxAgeMs });
  fresh.start();
  await until(() => !fresh.state().reconciling && !!fresh.state().checkedAt);
  return { root, engine, fresh };
}

async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const paths = async (engine: Engine, q: string) => (await engine.query(q)).map((r) => r.path);

test('without a watcher every call checks the folder, so an edit is seen by the next call', async () => {
  const { root, engine, fresh } = await openFresh('none');
  try {
    assert.equal(fresh.state().watch, 'none');
    fs.writeFileSync(path.join(root, 'docs/a.md'), '# A\n\nThe lighthouse opens at dawn.\n');
    await fresh.beforeCall();
    assert.deepEqual(await paths(engine, 'lighthouse'), ['docs/a.md']);
    assert.equal(fresh.state().last?.updated, 1);
    const before = fresh.state().checkedAt;
    await new Promise((r) => setTimeout(r, 5));
    await fresh.beforeCall();
    assert.notEqual(fresh.state().checkedAt, before, 'checked again');
  } finally {
    await fresh.close();
  }
});

test('with directory watches, a quiet folder is not re-walked, and changes (a new folder too) are picked up', async () => {
  const { root, engine, fresh } = await openFresh('directories');
  try {
    assert.equal(fresh.state().watch, 'directories');
    const checked = fresh.state().checkedAt;
    await new Promise((r) => setTimeout(r, 50));
    await fresh.beforeCall();
    assert.equal(fresh.state().checkedAt, checked, 'nothing changed: no stat pass');

    fs.writeFileSync(path.join(root, 'src/b.ts'), 'export function anchor(): void {}\n');
    await until(() => fresh.state().checkedAt !== checked, 3000);
    await fresh.beforeCall();
    assert.deepEqual(await paths(engine, 'anchor'), ['src/b.ts']);

    fs.mkdirSync(path.join(root, 'notes'));
    await new Promise((r) => setTimeout(r, 100));
    fs.writeFileSync(path.join(root, 'notes/c.md'), '# C\n\nA quokka lives here.\n');
    await new Promise((r) => setTimeout(r, 100));
    await fresh.beforeCall();
    assert.deepEqual(await paths(engine, 'quokka'), ['notes/c.md']);
  } finally {
    await fresh.close();
  }
});

test("writes inside the index folder (the engine's own) do not start checks", async () => {
  const { root, fresh } = await openFresh('directories');
  try {
    const checked = fresh.state().checkedAt;
    fs.writeFileSync(path.join(root, '.grounded', 'scratch.tmp'), 'x');
    fs.mkdirSync(path.join(root, '.grounded', 'sub'));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(fresh.state().checkedAt, checked);
    assert.equal(fresh.state().pendingChanges, 0);
  } finally {
    await fresh.close();
  }
});

test('a watched folder is still checked when the last check is older than the limit', async () => {
  const { fresh } = await openFresh('directories', 0);
  try {
    const checked = fresh.state().checkedAt;
    await new Promise((r) => setTimeout(r, 5));
    await fresh.beforeCall();
    assert.notEqual(fresh.state().checkedAt, checked);
  } finally {
    await fresh.close();
  }
});

test('the watched directories are those holding files, and their parents', () => {
  assert.deepEqual([...directoriesOf(['a.md', 'src/x/y.ts', 'src/z.ts', 'docs/d/e/f.md'])].sort(), ['', 'docs', 'docs/d', 'docs/d/e', 'src', 'src/x']);
});
