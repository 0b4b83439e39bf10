import { describe, expect, it } from 'vitest';
import { thumbHashToApproximateAspectRatio } from 'thumbhash';
import { syntheticLibrary } from './synthetic-library.ts';

describe('syntheticLibrary', () => {
  it('is deterministic per seed, with valid ids, dates in range and decodable thumbhashes', () => {
    const a = syntheticLibrary({ count: 500, seed: 7 });
    const b = syntheticLibrary({ count: 500, seed: 7 });
    expect(a).toEqual(b);
    expect(syntheticLibrary({ count: 5, seed: 8 })[0]!.id).not.toBe(a[0]!.id);
    expect(new Set(a.map((x) => x.id)).size).toBe(500);
    for (const x of a) {
      expect(x.id).toMatch(/^[0-9a-f]{64}$/);
      expect(x.capturedAt).toBeLessThanOrEqual(Date.UTC(2026, 10, 1));
      expect(x.capturedAt).toBeGreaterThan(Date.UTC(2016, 0, 1));
      const bytes = Uint8Array.from(
        atob(x.thumbhash! + '=='.slice(0, (4 - (x.thumbhash!.length % 4)) % 4)),
        (c) => c.charCodeAt(0),
      );
      const r = thumbHashToApproximateAspectRatio(bytes);
      expect(Math.abs(r - x.width / x.height) / (x.width / x.height)).toBeLessThan(0.35);
    }
  });
});
