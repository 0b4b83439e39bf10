import { describe, expect, it } from 'vitest';
import { monthOf } from '@hearth/sync';
import { generateLibrary } from './synthetic-library.ts';

describe('synthetic library generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateLibrary({ assets: 2000, seed: 7 });
    expect(generateLibrary({ assets: 2000, seed: 7 })).toEqual(a);
    expect(generateLibrary({ assets: 2000, seed: 8 }).assets[0]).not.toEqual(a.assets[0]);
  });

  it('produces a realistic spread: years, bursts, GPS, videos, albums', () => {
    const { assets, albums } = generateLibrary({ assets: 20_000, seed: 1 });
    expect(assets).toHaveLength(20_000);
    expect(new Set(assets.map((a) => a.id)).size).toBe(20_000);
    expect(assets.every((a, i) => i === 0 || assets[i - 1]!.capturedAt <= a.capturedAt)).toBe(true);
    const perMonth = new Map<string, number>();
    for (const a of assets)
      perMonth.set(
        monthOf(a.capturedAt, a.tzOffsetMin),
        (perMonth.get(monthOf(a.capturedAt, a.tzOffsetMin)) ?? 0) + 1,
      );
    expect(perMonth.size).toBeGreaterThan(150); // most of 15 years' months
    const counts = [...perMonth.values()].sort((x, y) => x - y);
    expect(counts.at(-1)!).toBeGreaterThan(5 * counts[Math.floor(counts.length / 2)]!); // holiday bursts
    const years = assets.map((a) => new Date(a.capturedAt).getUTCFullYear());
    expect(years.filter((y) => y >= 2023).length).toBeGreaterThan(years.filter((y) => y <= 2013).length); // growth
    const videos = assets.filter((a) => a.type === 'video').length / assets.length;
    expect(videos).toBeGreaterThan(0.05);
    expect(videos).toBeLessThan(0.12);
    expect(assets.filter((a) => a.gps).length / assets.length).toBeGreaterThan(0.8);
    expect(new Set(assets.map((a) => a.camera?.model)).size).toBeGreaterThan(5);
    expect(albums.length).toBeGreaterThan(20);
    expect(albums.every((al) => al.assets.length > 0)).toBe(true);
  });
});
