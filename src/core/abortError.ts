/** The error a cancelled operation rejects with: its name is what callers test, as with fetch's. */
export function abortError(): Error {
  const err = new Error('Cancelled.');
  err.name = 'AbortError';
  return err;
}
