/**
 * Justified rows, as Immich lays out its timeline: every row fills the width exactly and
 * its height stays close to a target (235 px, 100 px on screens under 850 px wide).
 * Pure: ratios in, boxes out, so it is unit-tested and reused by the benchmarks.
 */

/** A tile's position inside its block, in CSS pixels. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** What the layout needs from the screen. */
export interface JustifiedOptions {
  /** Width of the block in px. */
  width: number;
  /** Wanted row height in px. */
  rowHeight: number;
  /** Gap between tiles in px. */
  gap: number;
  /** A row may grow to this multiple of rowHeight before it takes one more tile. */
  maxStretch?: number;
}

/** The result: one box per input ratio, in order, and the block's height. */
export interface JustifiedBlock {
  boxes: Box[];
  height: number;
  rows: number;
}

/** Immich's row heights: 235 px, and 100 px when the viewport is narrower than 850 px. */
export function targetRowHeight(viewportWidth: number): number {
  return viewportWidth < 850 ? 100 : 235;
}

/** Ratios outside this range (panoramas, broken metadata) would wreck a row. */
const MIN_RATIO = 0.25;
const MAX_RATIO = 4;

function clampRatio(r: number): number {
  if (!Number.isFinite(r) || r <= 0) return 1;
  return Math.min(MAX_RATIO, Math.max(MIN_RATIO, r));
}

/**
 * Lays out tiles of the given aspect ratios (width / height) into justified rows.
 * A full row is scaled so that it fills `width`; the last row keeps the target height
 * (left-aligned) unless it would overflow, as every photo timeline does.
 */
export function justifiedLayout(ratios: readonly number[], opts: JustifiedOptions): JustifiedBlock {
  const { width, rowHeight, gap } = opts;
  const maxStretch = opts.maxStretch ?? 1.5;
  const boxes: Box[] = [];
  let top = 0;
  let rows = 0;
  let start = 0;
  while (start < ratios.length) {
    let sum = 0;
    let end = start;
    let height = rowHeight;
    let full = false;
    // Take tiles while the row, scaled to fill the width, is still taller than the target.
    while (end < ratios.length) {
      sum += clampRatio(ratios[end] as number);
      end++;
      const fitted = (width - gap * (end - start - 1)) / sum;
      if (fitted <= rowHeight) {
        // Compare with one tile fewer: keep the row whose height is closer to the target.
        const prevSum = sum - clampRatio(ratios[end - 1] as number);
        const prevFitted = end - start > 1 ? (width - gap * (end - start - 2)) / prevSum : Infinity;
        if (prevFitted <= rowHeight * maxStretch && prevFitted - rowHeight < rowHeight - fitted) {
          end--;
          sum = prevSum;
          height = prevFitted;
        } else {
          height = fitted;
        }
        full = true;
        break;
      }
    }
    if (!full) height = Math.min(rowHeight, (width - gap * (end - start - 1)) / sum);
    let left = 0;
    for (let i = start; i < end; i++) {
      const w = clampRatio(ratios[i] as number) * height;
      boxes.push({ left, top, width: w, height });
      left += w + gap;
    }
    top += height + gap;
    rows++;
    start = end;
  }
  return { boxes, height: rows ? top - gap : 0, rows };
}
