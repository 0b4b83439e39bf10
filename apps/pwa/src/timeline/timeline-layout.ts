/**
 * The whole timeline as positioned blocks: months (newest first), each split into days, each
 * day a justified block. Months whose rows are not loaded yet get an estimated height from
 * their count, so the scroll height and the scrubber are right from the first paint without
 * reading every month (Immich does the same with its bucket estimates).
 */
import { cameraDayOf, type MonthSummary, type TimelineItem } from '../library/timeline-item.ts';
import { justifiedLayout, type Box } from './justified-layout.ts';

/** A day inside a month: its header and its tiles, positioned relative to the month. */
export interface DayBlock {
  /** `YYYY-MM-DD` in the viewer's time zone */
  day: string;
  top: number;
  height: number;
  items: TimelineItem[];
  /** tile boxes relative to the day's tiles origin (top + DAY_HEADER) */
  boxes: Box[];
}

/** A month's place in the scrolled column. */
export interface MonthBlock {
  month: string;
  count: number;
  top: number;
  height: number;
  /** true until the month's rows are loaded and laid out */
  estimated: boolean;
  days: DayBlock[];
}

/** The positioned timeline. */
export interface TimelineLayout {
  months: MonthBlock[];
  height: number;
  width: number;
  rowHeight: number;
}

/** Screen parameters of the layout. */
export interface LayoutOptions {
  width: number;
  rowHeight: number;
  gap: number;
  /** the day of a row; defaults to the camera's local calendar day (`cameraDayOf`) */
  dayOf?: (item: TimelineItem) => string;
}

export const MONTH_HEADER = 56;
export const DAY_HEADER = 36;
/** Used for estimates only: the average photo is a bit wider than tall. */
const AVERAGE_RATIO = 1.4;

/** Groups rows (already newest first) into consecutive days. */
export function groupByDay(
  items: readonly TimelineItem[],
  dayOf: (item: TimelineItem) => string = cameraDayOf,
): { day: string; items: TimelineItem[] }[] {
  const out: { day: string; items: TimelineItem[] }[] = [];
  for (const item of items) {
    const day = dayOf(item);
    const last = out[out.length - 1];
    if (last && last.day === day) last.items.push(item);
    else out.push({ day, items: [item] });
  }
  return out;
}

export function estimateMonthHeight(count: number, opts: LayoutOptions): number {
  const perRow = Math.max(1, Math.floor(opts.width / (opts.rowHeight * AVERAGE_RATIO)));
  const rows = Math.ceil(count / perRow);
  const days = Math.min(count, Math.ceil(count / 8));
  return MONTH_HEADER + days * DAY_HEADER + rows * (opts.rowHeight + opts.gap);
}

/** Lays out one month from its rows. */
export function layoutMonth(
  month: string,
  items: readonly TimelineItem[],
  opts: LayoutOptions,
): { days: DayBlock[]; height: number } {
  let top = MONTH_HEADER;
  const days: DayBlock[] = [];
  for (const g of groupByDay(items, opts.dayOf)) {
    const block = justifiedLayout(
      g.items.map((i) => i.ratio),
      { width: opts.width, rowHeight: opts.rowHeight, gap: opts.gap },
    );
    const height = DAY_HEADER + block.height + opts.gap * 4;
    days.push({ day: g.day, top, height, items: g.items, boxes: block.boxes });
    top += height;
  }
  void month;
  return { days, height: top };
}

/**
 * Positions every month. `loaded` holds the rows of the months read so far; others are
 * estimated. Cheap: a 100,000-asset library has ~300 months.
 */
export function layoutTimeline(
  months: readonly MonthSummary[],
  loaded: ReadonlyMap<string, readonly TimelineItem[]>,
  opts: LayoutOptions,
  cache?: Map<string, { days: DayBlock[]; height: number }>,
): TimelineLayout {
  let top = 0;
  const blocks: MonthBlock[] = [];
  for (const m of months) {
    const items = loaded.get(m.month);
    if (items) {
      let laid = cache?.get(m.month);
      if (!laid) {
        laid = layoutMonth(m.month, items, opts);
        cache?.set(m.month, laid);
      }
      blocks.push({
        month: m.month,
        count: items.length,
        top,
        height: laid.height,
        estimated: false,
        days: laid.days,
      });
      top += laid.height;
    } else {
      const height = estimateMonthHeight(m.count, opts);
      blocks.push({ month: m.month, count: m.count, top, height, estimated: true, days: [] });
      top += height;
    }
  }
  return { months: blocks, height: top, width: opts.width, rowHeight: opts.rowHeight };
}

/** Index of the first month whose bottom is below `y` (binary search). */
export function monthAt(layout: TimelineLayout, y: number): number {
  let lo = 0;
  let hi = layout.months.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = layout.months[mid]!;
    if (m.top + m.height <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A tile to render, in the column's coordinates. */
export interface PlacedTile {
  item: TimelineItem;
  box: Box;
}

/** What the virtualized view draws for a scroll position. */
export interface VisibleWindow {
  /** months that intersect the window (their headers are drawn; estimated ones need loading) */
  months: MonthBlock[];
  days: { month: string; day: DayBlock; top: number }[];
  tiles: PlacedTile[];
}

/**
 * The months, day headers and tiles within [scrollTop - overscan, scrollTop + viewport + overscan].
 * Only these are in the DOM, so 100,000 assets cost what one screen costs.
 */
export function visibleWindow(
  layout: TimelineLayout,
  scrollTop: number,
  viewport: number,
  overscan = viewport,
): VisibleWindow {
  const top = scrollTop - overscan;
  const bottom = scrollTop + viewport + overscan;
  const out: VisibleWindow = { months: [], days: [], tiles: [] };
  let i = monthAt(layout, Math.max(0, top));
  if (i < 0) return out;
  for (; i < layout.months.length; i++) {
    const m = layout.months[i]!;
    if (m.top >= bottom) break;
    out.months.push(m);
    for (const d of m.days) {
      const dayTop = m.top + d.top;
      if (dayTop + d.height <= top || dayTop >= bottom) continue;
      out.days.push({ month: m.month, day: d, top: dayTop });
      const origin = dayTop + DAY_HEADER;
      d.boxes.forEach((b, k) => {
        const y = origin + b.top;
        if (y + b.height <= top || y >= bottom) return;
        out.tiles.push({
          item: d.items[k]!,
          box: { left: b.left, top: y, width: b.width, height: b.height },
        });
      });
    }
  }
  return out;
}
