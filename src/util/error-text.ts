/** An error's message (or the thrown value as text), for log lines. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
