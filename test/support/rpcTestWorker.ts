import { parentPort } from 'worker_threads';
import { eventSender, serve } from '../../src/core/worker/rpc';

/** A worker for test/unit/rpc.test.ts: small methods that answer, fail, emit, or bring the thread down. */
export interface TestApi {
  add(a: number, b: number): number;
  fail(name: string, message: string): Promise<never>;
  ticks(n: number): Promise<number>;
  slow(ms: number, value: string): Promise<string>;
  crash(message: string): void;
  exit(code: number): void;
  uncloneable(): () => void;
}

export interface TestEvents {
  tick: number;
}

const port = parentPort!;
const emit = eventSender<TestEvents>(port);

const api: TestApi = {
  add: (a, b) => a + b,
  async fail(name, message) {
    const err = new Error(message);
    err.name = name;
    throw err;
  },
  async ticks(n) {
    for (let i = 1; i <= n; i++) emit('tick', i);
    return n;
  },
  slow: (ms, value) => new Promise((resolve) => setTimeout(() => resolve(value), ms)),
  crash(message) {
    // Thrown outside any call, as a real bug in a worker would be: the thread dies of it. Later than
    // this call's answer: the answer and the thread's error travel different channels, and a loaded
    // machine delivered the error first (the test then saw three pending calls instead of two).
    setTimeout(() => {
      throw new Error(message);
    }, 200);
  },
  exit: (code) => process.exit(code),
  uncloneable: () => () => undefined,
};

serve(port, api);
