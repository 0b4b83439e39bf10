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

describe('encodeThumbHash', () => {
  it('gives exactly what the thumbhash library gives (2,000 photo-like images of every size ≤ 32 px)', () => {
    for (let t = 0; t < 2000; t++) {
      const w = 1 + ((t * 7) % 32);
      const h = 1 + ((t * 13) % 32);
      const px = image(w, h, t + 1);
      expect([...encodeThumbHash(w, h, px)], `case ${t} (${w}x${h})`).toEqual([...rgbaToThumbHash(w, h, px)]);
    }
  });

  it('also for grey, flat and 100 px images', () => {
    const grey = image(32, 24, 5);
    for (let i = 0; i < grey.length; i += 4) grey.fill(grey[i] as number, i + 1, i + 3);
    const flat = new Uint8Array(20 * 30 * 4).fill(255);
    for (const [w, h, px] of [
      [32, 24, grey],
      [20, 30, flat],
      [100, 75, image(100, 75, 9)],
      [100, 100, image(100, 100, 10)],
    ] as const)
      expect([...encodeThumbHash(w, h, px)]).toEqual([...rgbaToThumbHash(w, h, px)]);
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
