import { rgbaToThumbHash, thumbHashToAverageRGBA } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import { encodeThumbHash } from './thumbhash-encode.ts';

/** A deterministic photo-like RGBA image: gradients plus noise, opaque unless `alpha` says. */
function image(w: number, h: number, seed: number, alpha = 255): Uint8Array {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) >> 16) & 255;
  const px = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      px[o] = ((x * 255) / w + (rnd() % 30)) & 255;
      px[o + 1] = ((y * 255) / h + (rnd() % 30)) & 255;
      px[o + 2] = (seed * 37 + (rnd() % 60)) & 255;
      px[o + 3] = alpha;
    }
  return px;
}

/** The 4-bit AC factors of a hash without alpha. */
const nibbles = (h: Uint8Array) => [...h.subarray(5)].flatMap((b) => [b & 15, b >> 4]);

describe('encodeThumbHash', () => {
  it('matches the thumbhash library to within one quantisation step, mostly exactly', () => {
    let identical = 0;
    const cases = 200;
    for (let t = 0; t < cases; t++) {
      const w = 1 + ((t * 7) % 32);
      const h = 1 + ((t * 13) % 32);
      const px = image(w, h, t + 1);
      const ours = encodeThumbHash(w, h, px);
      const lib = rgbaToThumbHash(w, h, px);
      expect(ours.length).toBe(lib.length);
      // Header: average colour, scales, orientation and the luminance term count.
      expect(ours[3]! & 7).toBe(lib[3]! & 7);
      expect(ours[4]! >> 7).toBe(lib[4]! >> 7);
      const a = thumbHashToAverageRGBA(ours);
      const b = thumbHashToAverageRGBA(lib);
      for (const k of ['r', 'g', 'b'] as const) expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(1 / 31);
      const n1 = nibbles(ours);
      const n2 = nibbles(lib);
      n1.forEach((v, i) => expect(Math.abs(v - (n2[i] as number))).toBeLessThanOrEqual(1));
      if (ours.every((v, i) => v === lib[i])) identical++;
    }
    expect(identical / cases).toBeGreaterThan(0.8);
  });

  it('gives images with transparency to the library', () => {
    const px = image(20, 12, 3, 128);
    expect([...encodeThumbHash(20, 12, px)]).toEqual([...rgbaToThumbHash(20, 12, px)]);
  });

  it('refuses images over 100 px, as the format does', () => {
    expect(() => encodeThumbHash(101, 10, image(101, 10, 1))).toThrow(RangeError);
  });

  it('hashes a flat image to its colour', () => {
    const px = new Uint8Array(32 * 24 * 4);
    for (let i = 0; i < px.length; i += 4) px.set([200, 40, 90, 255], i);
    const avg = thumbHashToAverageRGBA(encodeThumbHash(32, 24, px));
    expect(Math.round(avg.r * 255)).toBeCloseTo(200, -1);
    expect(Math.round(avg.g * 255)).toBeCloseTo(40, -1);
    expect(Math.round(avg.b * 255)).toBeCloseTo(90, -1);
  });
});
