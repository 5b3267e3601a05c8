/** An error's message for a log line or a reply; anything thrown that is not an Error is shown as text. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The message and, for an Error, where it was thrown: for a log line a developer reads. */
export function errorWithStack(err: unknown): string {
  return err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
}
