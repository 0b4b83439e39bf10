/**
 * SHA-256 hashes between 64-character hex and 8 big-endian u32 words, for the compact pack
 * index (blob-pack-index.ts): a lookup parses its string a word at a time (a miss stops after
 * the first), two characters per table read.
 */
import type { BlobHash } from '../ids.ts';

/** Two hex characters (`c0 << 7 | c1`) → their byte, -1 when not lowercase hex. */
const PAIR = new Int16Array(1 << 14).fill(-1);
for (let a = 0; a < 16; a++)
  for (let b = 0; b < 16; b++)
    PAIR[('0123456789abcdef'.charCodeAt(a) << 7) | '0123456789abcdef'.charCodeAt(b)] = (a << 4) | b;

/** Word `w` of a 64-hex hash (its characters 8w…8w+7) as a u32; -1 when they are not hex. */
export function wordOf(hash: string, w: number): number {
  const i = w * 8;
  const c0 = hash.charCodeAt(i);
  const c1 = hash.charCodeAt(i + 1);
  const c2 = hash.charCodeAt(i + 2);
  const c3 = hash.charCodeAt(i + 3);
  const c4 = hash.charCodeAt(i + 4);
  const c5 = hash.charCodeAt(i + 5);
  const c6 = hash.charCodeAt(i + 6);
  const c7 = hash.charCodeAt(i + 7);
  if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) > 127) return -1;
  const p0 = PAIR[(c0 << 7) | c1]!;
  const p1 = PAIR[(c2 << 7) | c3]!;
  const p2 = PAIR[(c4 << 7) | c5]!;
  const p3 = PAIR[(c6 << 7) | c7]!;
  if ((p0 | p1 | p2 | p3) < 0) return -1;
  return ((p0 << 24) | (p1 << 16) | (p2 << 8) | p3) >>> 0;
}

/** Parses a 64-hex hash into 8 words; false when it is not one. */
export function parseHash(hash: string, into: Uint32Array): boolean {
  if (hash.length !== 64) return false;
  for (let w = 0; w < 8; w++) {
    const v = wordOf(hash, w);
    if (v < 0) return false;
    into[w] = v;
  }
  return true;
}

/** Words `e`…`e + 7` of `data` as a 64-hex hash. */
export function hexOf(data: Uint32Array, e: number): BlobHash {
  let s = '';
  for (let w = 0; w < 8; w++) s += data[e + w]!.toString(16).padStart(8, '0');
  return s as BlobHash;
}
