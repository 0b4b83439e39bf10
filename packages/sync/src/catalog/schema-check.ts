/**
 * Tiny readers for data that arrives from peers or files. Each returns the value or
 * undefined; validators turn undefined into a reason. Strings may be plain or
 * Automerge `ImmutableString`.
 */
import { isImmutableString } from '@automerge/automerge';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
export const bad = <T>(reason: string): Checked<T> => ({ ok: false, reason });

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isImmutableString(v);
}

/** A plain or immutable string, as a plain string. */
export function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isImmutableString(v)) return v.val;
  return undefined;
}

export function finite(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function flag(v: unknown): boolean {
  return v === true;
}

/** Optional field: absent is fine, present must parse. */
export function optional<T>(
  v: unknown,
  read: (v: unknown) => T | undefined,
): { value: T | undefined; valid: boolean } {
  if (v === undefined || v === null) return { value: undefined, valid: true };
  const value = read(v);
  return { value, valid: value !== undefined };
}
