import { MessagePort } from 'worker_threads';

/**
 * One typed protocol between a thread and the worker it starts. The worker serves an object whose
 * methods take and return structured-cloneable values; the caller gets a proxy typed from the same
 * interface (`connect`, in rpcConnection.ts), so the interface is the only place the calls are written down.
 * This file holds the messages and the worker's side.
 */

/** A call: `method` of the served object with `args`. */
export interface RpcCall {
  id: number;
  method: string;
  args: unknown[];
}

/** The answer to the call with the same id; an error keeps its name (an AbortError stays one). */
export type RpcReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string; name?: string };

/** One-way, worker to caller: `event` of an events map `E` with its `data`. */
export interface RpcEvent {
  event: string;
  data: unknown;
}

/** The caller's view of `T`: every method answers with a promise of what it returns. */
export type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** Serves `impl` on `port` (the worker's `parentPort`): each call runs its method; errors come back by message and name. */
export function serve<T extends object>(port: MessagePort, impl: T): void {
  port.on('message', (call: RpcCall) => {
    void invoke(impl, call).then(
      (value) => reply(port, { id: call.id, ok: true, value }),
      (err: unknown) => reply(port, failure(call.id, err)),
    );
  });
}

/** The worker's sender of the events in `E`. */
export function eventSender<E>(port: MessagePort): <K extends keyof E & string>(event: K, data: E[K]) => void {
  return (event, data) => port.postMessage({ event, data } satisfies RpcEvent);
}

async function invoke(impl: object, { method, args }: RpcCall): Promise<unknown> {
  // Only the object's own methods: never something inherited (constructor, __proto__'s).
  const fn: unknown = Object.hasOwn(impl, method) ? (impl as Record<string, unknown>)[method] : undefined;
  if (typeof fn !== 'function') throw new Error(`The worker has no method ${JSON.stringify(method)}.`);
  return fn.apply(impl, Array.isArray(args) ? args : []);
}

function failure(id: number, err: unknown): RpcReply {
  return { id, ok: false, error: err instanceof Error ? err.message : String(err), name: err instanceof Error ? err.name : undefined };
}

/** A value that cannot be cloned would throw here and leave the call pending forever: it fails the call instead. */
function reply(port: MessagePort, message: RpcReply): void {
  try {
    port.postMessage(message);
  } catch (err) {
    port.postMessage(failure(message.id, err));
  }
}
