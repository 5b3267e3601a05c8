import { Worker } from 'worker_threads';
import { Remote, RpcCall, RpcEvent, RpcReply } from './rpc';

/** The caller's side of the protocol in rpc.ts: a typed proxy on a worker that serves it. */

/** Rejects calls to a worker that crashed or exited; created on this side, so `instanceof` tells it from the worker's own errors. */
export class WorkerStoppedError extends Error {
  override name = 'WorkerStoppedError';
}

export interface ConnectOptions {
  /** Names the worker in errors: "The indexing worker stopped (exit code 1)." */
  name: string;
  /** An idle worker (no call pending) does not keep the process alive. */
  unrefWhenIdle?: boolean;
  /** Called once, when the worker crashes or exits, before its pending calls fail. */
  onStopped?: (err: WorkerStoppedError, pending: number) => void;
}

export interface Connection<T, E> {
  api: Remote<T>;
  /** Listens to `event` until the returned function is called. */
  on<K extends keyof E & string>(event: K, listener: (data: E[K]) => void): () => void;
  /** Calls sent and not yet answered. */
  readonly pending: number;
  /** Set once the worker has stopped: every call since fails with it. */
  readonly stopped: WorkerStoppedError | undefined;
  terminate(): Promise<void>;
}

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** The caller's side: a typed proxy on `worker`, which must `serve` a `T` and send the events in `E`. */
export function connect<T, E = Record<never, never>>(worker: Worker, options: ConnectOptions): Connection<T, E> {
  const waiters = new Map<number, Waiter>();
  const events = eventListeners();
  const idle = idleRef(worker, options.unrefWhenIdle === true);
  let nextId = 1;
  let stopped: WorkerStoppedError | undefined;

  const settle = (m: RpcReply) => {
    const w = waiters.get(m.id);
    if (!w) return;
    waiters.delete(m.id);
    idle(waiters.size);
    if (m.ok) w.resolve(m.value);
    else w.reject(remoteError(m.error, m.name));
  };
  worker.on('message', (m: RpcReply | RpcEvent) => {
    if ('event' in m) events.emit(m.event, m.data);
    else settle(m);
  });
  const stop = (why: string) => {
    if (stopped) return;
    stopped = new WorkerStoppedError(`The ${options.name} ${why}`);
    options.onStopped?.(stopped, waiters.size);
    for (const w of waiters.values()) w.reject(stopped);
    waiters.clear();
  };
  worker.on('error', (err) => stop(`failed: ${err.message}`));
  worker.on('exit', (code) => stop(`stopped (exit code ${code}).`));

  const call = (method: string, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => {
      if (stopped) return reject(stopped);
      const id = nextId++;
      try {
        worker.postMessage({ id, method, args } satisfies RpcCall);
      } catch (err) {
        return reject(err);
      }
      waiters.set(id, { resolve, reject });
      idle(waiters.size);
    });

  return {
    api: remoteProxy<T>(call),
    on: (event, listener) => events.on(event, listener as (data: unknown) => void),
    get pending() {
      return waiters.size;
    },
    get stopped() {
      return stopped;
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

function eventListeners() {
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  return {
    emit: (event: string, data: unknown) => listeners.get(event)?.forEach((l) => l(data)),
    on(event: string, listener: (data: unknown) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

/** With `unrefWhenIdle`, refs the worker while calls are pending and unrefs it when none are. */
function idleRef(worker: Worker, enabled: boolean): (pending: number) => void {
  if (!enabled) return () => undefined;
  worker.unref();
  let held = false;
  return (pending) => {
    if (pending > 0 && !held) worker.ref();
    else if (pending === 0 && held) worker.unref();
    held = pending > 0;
  };
}

function remoteError(message: string, name: string | undefined): Error {
  const err = new Error(message);
  if (name) err.name = name;
  return err;
}

function remoteProxy<T>(call: (method: string, args: unknown[]) => Promise<unknown>): Remote<T> {
  const methods = new Map<string, (...args: unknown[]) => Promise<unknown>>();
  return new Proxy(Object.create(null) as Remote<T>, {
    get(_target, key) {
      // Not a method: `await client.api` or a library probing for `then` must not become a call.
      if (typeof key !== 'string' || key === 'then') return undefined;
      let fn = methods.get(key);
      if (!fn) methods.set(key, (fn = (...args: unknown[]) => call(key, args)));
      return fn;
    },
  });
}
