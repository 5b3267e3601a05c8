/** The message of a thrown value, which need not be an Error (a string, a rejected `undefined`, …). */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
