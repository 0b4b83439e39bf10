/**
 * The sentence that tells a person an action failed: what they asked for, then the error's
 * own message (the library's errors say what to do) and its stable `code`, which a person can
 * quote when asking for help and which stays the same when the wording changes.
 */
export function failureMessage(what: string, error: unknown): string {
  const e = error as { message?: unknown; code?: unknown } | null | undefined;
  const text = typeof e?.message === 'string' && e.message ? e.message : String(error);
  const code = typeof e?.code === 'string' && e.code && !text.includes(e.code) ? ` (${e.code})` : '';
  return `Could not ${what}: ${text}${code}`;
}
