import type { RgbaImage } from './rgba-image.ts';

/**
 * dHash: 64 bits from a 9×8 grayscale image, one bit per horizontally adjacent pair
 * (left brighter than right). Robust to scaling and re-encoding; near-duplicates differ in
 * a few bits. Returned as 16 lowercase hex chars.
 */
export function dHash(img: RgbaImage): string {
  if (img.width !== 9 || img.height !== 8)
    throw new RangeError(`dHash needs 9x8 pixels, got ${img.width}x${img.height}`);
  const gray = (x: number, y: number): number => {
    const o = (y * 9 + x) * 4;
    return (
      0.299 * (img.data[o] as number) +
      0.587 * (img.data[o + 1] as number) +
      0.114 * (img.data[o + 2] as number)
    );
  };
  let hex = '';
  for (let y = 0; y < 8; y++) {
    let byte = 0;
    for (let x = 0; x < 8; x++) byte = (byte << 1) | (gray(x, y) > gray(x + 1, y) ? 1 : 0);
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

/** Number of differing bits between two hashes of equal length (hex). */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError('hashes differ in length');
  let d = 0;
  for (let i = 0; i < a.length; i += 2) {
    let x = parseInt(a.slice(i, i + 2), 16) ^ parseInt(b.slice(i, i + 2), 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

/** Near-duplicate by dHash: at most `maxBits` of 64 differ (10 is a common threshold). */
export function isNearDuplicate(a: string, b: string, maxBits = 10): boolean {
  return hammingDistance(a, b) <= maxBits;
}
