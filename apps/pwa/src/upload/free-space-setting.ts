/**
 * The "free up space only after 2 copies" setting, kept in localStorage (a per-device choice:
 * it decides what this device may delete).
 */
const KEY = 'hearth-free-after-copies';

const store = (): Storage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);

/** Home nodes that must hold an original before "free up space" removes it here (1 or 2). */
export function loadMinCopies(): number {
  return store()?.getItem(KEY) === '2' ? 2 : 1;
}

export function saveMinCopies(n: number): void {
  store()?.setItem(KEY, String(n >= 2 ? 2 : 1));
}
