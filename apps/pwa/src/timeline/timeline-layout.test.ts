import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../library/timeline-item.ts';
import {
  DAY_HEADER,
  MONTH_HEADER,
  groupByDay,
  layoutTimeline,
  monthAt,
  visibleWindow,
} from './timeline-layout.ts';

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const opts = { width: 1000, rowHeight: 235, gap: 4 };

function monthItems(year: number, month: number, n: number): TimelineItem[] {
  const start = Date.UTC(year, month - 1, 28, 23);
  return Array.from({ length: n }, (_, i) => ({
    id: `${year}${month}-${i}`,
    capturedAt: start - i * 3 * 3600_000,
    ratio: i % 3 ? 1.5 : 0.75,
    flags: 0,
  }));
}

describe('groupByDay', () => {
  it('groups consecutive rows by calendar day, newest first', () => {
    const items = monthItems(2024, 7, 20);
    const groups = groupByDay(items);
    expect(groups.map((g) => g.day)).toEqual(['2024-07-28', '2024-07-27', '2024-07-26']);
    expect(groups.reduce((s, g) => s + g.items.length, 0)).toBe(20);
    expect(groups[0]!.items.every((i) => utcDay(i.capturedAt) === '2024-07-28')).toBe(true);
  });

  it("uses the camera's local day, whatever the viewer's zone", () => {
    const row = (iso: string, tzOffsetMin?: number): TimelineItem => ({
      id: iso,
      capturedAt: Date.parse(iso),
      ratio: 1,
      flags: 0,
      ...(tzOffsetMin === undefined ? {} : { tzOffsetMin }),
    });
    const groups = groupByDay([
      row('2024-07-28T23:30:00Z', 120), // 01:30 on the 29th at UTC+2
      row('2024-07-28T22:10:00Z', 120), // 00:10 on the 29th
      row('2024-07-28T20:00:00Z', 120), // 22:00 on the 28th
      row('2024-07-28T03:00:00Z', -420), // 20:00 on the 27th at UTC-7
      row('2024-07-27T12:00:00Z'), // unknown offset: the UTC day, as its month
    ]);
    expect(groups.map((g) => [g.day, g.items.length])).toEqual([
      ['2024-07-29', 2],
      ['2024-07-28', 1],
      ['2024-07-27', 2],
    ]);
  });
});

describe('layoutTimeline', () => {
  const months = [
    { month: '2024-07', count: 20 },
    { month: '2024-06', count: 500 },
    { month: '2019-01', count: 30 },
  ];

  it('stacks months without gaps and estimates the unloaded ones', () => {
    const layout = layoutTimeline(months, new Map([['2024-07', monthItems(2024, 7, 20)]]), opts);
    expect(layout.months.map((m) => m.estimated)).toEqual([false, true, true]);
    for (let i = 1; i < layout.months.length; i++) {
      const prev = layout.months[i - 1]!;
      expect(layout.months[i]!.top).toBe(prev.top + prev.height);
    }
    expect(layout.height).toBe(layout.months.reduce((s, m) => s + m.height, 0));
    // The estimate grows with the count.
    expect(layout.months[1]!.height).toBeGreaterThan(layout.months[2]!.height);
    const july = layout.months[0]!;
    expect(july.days[0]!.top).toBe(MONTH_HEADER);
    expect(july.days).toHaveLength(3);
  });

  it('finds the month under a scroll position', () => {
    const layout = layoutTimeline(months, new Map(), opts);
    expect(monthAt(layout, 0)).toBe(0);
    expect(monthAt(layout, layout.months[1]!.top + 1)).toBe(1);
    expect(monthAt(layout, layout.months[2]!.top)).toBe(2);
    expect(monthAt(layout, layout.height + 1000)).toBe(2);
  });

  it('renders only the tiles near the viewport (virtualization of 100,000 assets)', () => {
    const many = Array.from({ length: 300 }, (_, i) => {
      const y = 2026 - Math.floor(i / 12);
      const m = 12 - (i % 12);
      return { month: `${y}-${String(m).padStart(2, '0')}`, count: 334 };
    });
    const loaded = new Map(
      many.map((m) => [m.month, monthItems(Number(m.month.slice(0, 4)), Number(m.month.slice(5)), m.count)]),
    );
    const layout = layoutTimeline(many, loaded, opts);
    expect(layout.months.reduce((s, m) => s + m.count, 0)).toBe(100_200);
    const scrollTop = layout.height / 2;
    const win = visibleWindow(layout, scrollTop, 800, 400);
    expect(win.tiles.length).toBeGreaterThan(0);
    expect(win.tiles.length).toBeLessThan(200);
    for (const t of win.tiles) {
      expect(t.box.top + t.box.height).toBeGreaterThan(scrollTop - 400);
      expect(t.box.top).toBeLessThan(scrollTop + 800 + 400);
    }
    // Tiles sit below their day header.
    const day = win.days[0]!;
    const firstTile = win.tiles.find((t) => t.item.id === day.day.items[0]!.id);
    if (firstTile) expect(firstTile.box.top).toBe(day.top + DAY_HEADER);
  });

  it('reuses the cached layout of a month', () => {
    const cache = new Map();
    const loaded = new Map([['2024-07', monthItems(2024, 7, 20)]]);
    const a = layoutTimeline(months, loaded, opts, cache);
    const b = layoutTimeline(months, loaded, opts, cache);
    expect(b.months[0]!.days).toBe(a.months[0]!.days);
  });
});
