/** An error's message for a log line or a reply; anything thrown that is not an Error is shown as text. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
