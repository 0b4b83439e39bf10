/**
 * `n` pseudo-random bytes from a seeded LCG (the top byte of each step): test data that is the
 * same on every peer and every run without being sent or stored, and that compresses poorly.
 */
export function patternBytes(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}
