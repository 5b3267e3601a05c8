import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { test } from 'node:test';
import { Worker } from 'worker_threads';
import { connect, ConnectOptions, WorkerStoppedError } from '../../src/core/worker/rpcConnection';
import { TestApi, TestEvents } from '../support/rpcTestWorker';

const WORKER = path.resolve(__dirname, '../support/rpcTestWorker.js');
const RPC = path.resolve(__dirname, '../../src/core/worker/rpcConnection.js');

function start(options: Partial<ConnectOptions> = {}) {
  return connect<TestApi, TestEvents>(new Worker(WORKER), { name: 'test worker', ...options });
}

test('a typed call runs in the worker and answers with its value; awaiting the proxy itself is no call', async () => {
  const c = start();
  try {
    assert.equal(await c.api.add(2, 3), 5);
    assert.equal(await Promise.resolve(c.api), c.api, 'the proxy is not a thenable');
    assert.equal(c.pending, 0);
  } finally {
    await c.terminate();
  }
});

test('an error keeps its name and message across the thread; unknown methods and uncloneable values fail the call', async () => {
  const c = start();
  try {
    await assert.rejects(c.api.fail('AbortError', 'Cancelled.'), { name: 'AbortError', message: 'Cancelled.' });
    await assert.rejects((c.api as unknown as { nope(): Promise<void> }).nope(), /no method "nope"/);
    await assert.rejects((c.api as unknown as { constructor(): Promise<void> }).constructor(), /no method "constructor"/);
    await assert.rejects(c.api.uncloneable(), { name: 'DataCloneError' });
    await assert.rejects(c.api.add((() => 1) as unknown as number, 2), { name: 'DataCloneError' });
    assert.equal(c.pending, 0, 'a call that could not be sent is not left pending');
    assert.equal(await c.api.add(1, 1), 2, 'the worker still serves after those');
  } finally {
    await c.terminate();
  }
});

test('a worker that crashes fails every pending call and every later one, saying why', async () => {
  const stops: [string, number][] = [];
  const c = start({ onStopped: (err, pending) => stops.push([err.message, pending]) });
  const pending = [c.api.slow(5000, 'a'), c.api.slow(5000, 'b')];
  await c.api.crash('boom');
  for (const p of pending) await assert.rejects(p, (err: Error) => err instanceof WorkerStoppedError && /The test worker failed: boom/.test(err.message));
  await assert.rejects(c.api.add(1, 2), WorkerStoppedError);
  assert.ok(c.stopped);
  assert.deepEqual(stops, [['The test worker failed: boom', 2]], 'told once, with the calls it held');
});

test('a worker that exits fails its pending calls with the exit code; so does a terminated one', async () => {
  const c = start();
  const held = c.api.slow(5000, 'x');
  void c.api.exit(3).catch(() => undefined);
  await assert.rejects(held, /The test worker stopped \(exit code 3\)\./);
  const d = start();
  const inFlight = d.api.slow(5000, 'y');
  await d.terminate();
  await assert.rejects(inFlight, WorkerStoppedError);
  await assert.rejects(d.api.add(1, 2), /stopped/);
});

test('events from the worker arrive, in order and before the answer of the call that sent them, until unsubscribed', async () => {
  const c = start();
  try {
    const seen: number[] = [];
    const off = c.on('tick', (n) => seen.push(n));
    assert.equal(await c.api.ticks(3), 3);
    assert.deepEqual(seen, [1, 2, 3]);
    off();
    await c.api.ticks(2);
    assert.deepEqual(seen, [1, 2, 3]);
  } finally {
    await c.terminate();
  }
});

/** Runs `body` in a fresh Node process with `c` a connection made with `options`; it is killed after `timeout` ms. */
function inChild(options: string, body: string, timeout = 10_000) {
  const script = `const { Worker } = require('worker_threads');
    const { connect } = require(${JSON.stringify(RPC)});
    const c = connect(new Worker(${JSON.stringify(WORKER)}), ${options});
    ${body}`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout });
}

test('with unrefWhenIdle a worker keeps the process alive while a call is pending, and not once it is idle', () => {
  // The first call only lets the thread start (a starting worker keeps the process alive by itself).
  const idle = inChild(`{ name: 't', unrefWhenIdle: true }`, `c.api.add(1, 1).then(() => c.api.slow(300, 'answered')).then((v) => process.stdout.write(v));`);
  assert.equal(idle.signal, null, 'the process exited by itself, not by the timeout');
  assert.equal(idle.stdout, 'answered', 'it lived until the pending call was answered');
  const held = inChild(`{ name: 't' }`, `c.api.add(1, 2).then((v) => process.stdout.write(String(v)));`, 2000);
  assert.equal(held.signal, 'SIGTERM', 'without it, the idle worker keeps the process running');
  assert.equal(held.stdout, '3');
});
