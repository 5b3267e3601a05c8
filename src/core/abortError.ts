/** What a cancelled operation throws: an Error named `AbortError`, as `fetch` and Node's timers do. */
export function abortError(): Error {
  const err = new Error('Cancelled.');
  err.name = 'AbortError';
  return err;
}
