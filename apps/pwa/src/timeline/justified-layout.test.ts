import { describe, expect, it } from 'vitest';
import { justifiedLayout, targetRowHeight } from './justified-layout.ts';

describe('justifiedLayout', () => {
  it('uses Immich row heights: 235 px, 100 px under 850 px wide', () => {
    expect(targetRowHeight(1280)).toBe(235);
    expect(targetRowHeight(850)).toBe(235);
    expect(targetRowHeight(849)).toBe(100);
    expect(targetRowHeight(390)).toBe(100);
  });

  it('fills every full row exactly to the width, with heights near the target', () => {
    const ratios = Array.from({ length: 200 }, (_, i) => [1.5, 0.75, 1, 1.78, 0.56][i % 5] as number);
    const { boxes, rows } = justifiedLayout(ratios, { width: 1000, rowHeight: 235, gap: 4 });
    expect(boxes).toHaveLength(200);
    const byTop = new Map<number, typeof boxes>();
    for (const b of boxes) byTop.set(b.top, [...(byTop.get(b.top) ?? []), b]);
    expect(byTop.size).toBe(rows);
    const rowList = [...byTop.values()];
    for (const row of rowList.slice(0, -1)) {
      const last = row[row.length - 1]!;
      expect(last.left + last.width).toBeCloseTo(1000, 6);
      expect(row[0]!.height).toBeGreaterThan(235 * 0.5);
      expect(row[0]!.height).toBeLessThan(235 * 1.5);
    }
  });

  it('keeps aspect ratios and never overlaps tiles', () => {
    const ratios = [1.5, 0.66, 2, 1, 1, 0.8, 3, 1.2];
    const { boxes } = justifiedLayout(ratios, { width: 800, rowHeight: 200, gap: 2 });
    boxes.forEach((b, i) => expect(b.width / b.height).toBeCloseTo(ratios[i]!, 6));
    for (let i = 1; i < boxes.length; i++) {
      const a = boxes[i - 1]!;
      const b = boxes[i]!;
      if (a.top === b.top) expect(b.left).toBeGreaterThanOrEqual(a.left + a.width);
      else expect(b.top).toBeGreaterThanOrEqual(a.top + a.height);
    }
  });

  it('does not stretch a short last row, and handles empty input and bad ratios', () => {
    const one = justifiedLayout([1], { width: 1000, rowHeight: 235, gap: 4 });
    expect(one.boxes[0]).toEqual({ left: 0, top: 0, width: 235, height: 235 });
    expect(one.height).toBe(235);
    expect(justifiedLayout([], { width: 1000, rowHeight: 235, gap: 4 })).toEqual({
      boxes: [],
      height: 0,
      rows: 0,
    });
    const bad = justifiedLayout([NaN, 0, -1, 1000], { width: 1000, rowHeight: 100, gap: 0 });
    for (const b of bad.boxes) expect(Number.isFinite(b.width) && b.width > 0).toBe(true);
  });

  it('a very wide panorama alone on a narrow phone row never exceeds the width', () => {
    const { boxes } = justifiedLayout([4, 4, 4], { width: 390, rowHeight: 100, gap: 2 });
    for (const b of boxes) expect(b.left + b.width).toBeLessThanOrEqual(390 + 1e-6);
  });
});
