/**
 * Boxes and greedy non-maximum suppression, shared by the face and object detectors.
 */

/** An axis-aligned box in source-image pixels. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Keep the best-scoring boxes, dropping any that overlaps a kept one above `threshold`. */
export function nms<T extends { readonly box: Box; readonly score: number }>(
  items: readonly T[],
  threshold: number,
): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const it of sorted) {
    if (kept.every((k) => iou(k.box, it.box) <= threshold)) kept.push(it);
  }
  return kept;
}
