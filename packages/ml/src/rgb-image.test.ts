import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.ts';
import { fromRgba, letterboxNchw, resizeBilinear, rgbImage } from './rgb-image.ts';

describe('rgb image', () => {
  it('validates buffer sizes and drops alpha', () => {
    expect(() => rgbImage(2, 2, new Uint8Array(11))).toThrow(InvalidInputError);
    expect(Array.from(fromRgba(1, 2, new Uint8Array([1, 2, 3, 255, 4, 5, 6, 0])).data)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
  });

  it('letterboxes top-left with padding, channel order and normalisation', () => {
    // 4×2 image: left half red, right half blue.
    const img = rgbImage(
      4,
      2,
      new Uint8Array([
        255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255,
      ]),
    );
    const { data, scale } = letterboxNchw(
      img,
      4,
      4,
      { order: 'bgr', mean: [10, 10, 10], std: [2, 2, 2] },
      114,
    );
    expect(scale).toBe(1);
    const at = (c: number, y: number, x: number) => data[c * 16 + y * 4 + x];
    expect(at(2, 0, 0)).toBe((255 - 10) / 2); // BGR: plane 2 is red
    expect(at(0, 0, 3)).toBe((255 - 10) / 2); // plane 0 is blue
    expect(at(0, 3, 0)).toBe((114 - 10) / 2); // padding below
  });

  it('agrees with resizeBilinear when downscaling', () => {
    const w = 37,
      h = 23;
    const img = rgbImage(
      w,
      h,
      Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7919) % 256),
    );
    const r = resizeBilinear(img, 16, 10);
    const { data } = letterboxNchw(img, 16, 16, { order: 'rgb' });
    for (let y = 0; y < 10; y++)
      for (let x = 0; x < 16; x++)
        expect(
          Math.abs((data[y * 16 + x] as number) - (r.data[(y * 16 + x) * 3] as number)),
        ).toBeLessThanOrEqual(0.5001);
  });

  it('fills a reused buffer completely, as a fresh one (resize, padding, and no resize)', () => {
    const img = rgbImage(
      9,
      5,
      Uint8Array.from({ length: 9 * 5 * 3 }, (_, i) => (i * 31) % 256),
    );
    const norm = { order: 'rgb', scale: 1 / 255, mean: [0.5, 0.4, 0.3], std: [0.2, 0.3, 0.4] } as const;
    for (const [w, h] of [
      [6, 6],
      [9, 5],
      [12, 7],
    ] as const) {
      const fresh = letterboxNchw(img, w, h, norm, 114).data;
      const stale = new Float32Array(3 * w * h).fill(Number.NaN);
      const reused = letterboxNchw(img, w, h, norm, 114, stale);
      expect(reused.data).toBe(stale);
      expect(Array.from(reused.data)).toEqual(Array.from(fresh));
    }
    expect(() => letterboxNchw(img, 6, 6, norm, 0, new Float32Array(10))).toThrow(InvalidInputError);
  });
});
