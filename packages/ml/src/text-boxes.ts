/**
 * OCR detection post-processing: PP-OCR's DB probability map → binarise → connected
 * components → axis-aligned boxes, kept when their mean score is high, then unclipped.
 */
import type { Box } from './nms.ts';

/**
 * Boxes of 4-connected regions above `thr` whose mean probability reaches `boxThr`. The fill
 * keeps its pixels on a typed stack (left, right, up, down neighbours pushed in that order),
 * so the sum runs in one fixed order and the boxes come out in scan order.
 */
export function textBoxes(prob: Float32Array, w: number, h: number, thr: number, boxThr: number): Box[] {
  const n = w * h;
  const seen = new Uint8Array(n);
  let stack = new Int32Array(1024);
  const boxes: Box[] = [];
  for (let start = next(prob, thr, 0, n); start < n; start = next(prob, thr, start + 1, n)) {
    if (seen[start]) continue;
    let x0 = w,
      y0 = h,
      x1 = 0,
      y1 = 0,
      sum = 0,
      count = 0,
      top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const p = stack[--top] as number;
      const x = p % w,
        y = (p - x) / w;
      sum += prob[p] as number;
      count++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (top + 4 > stack.length) {
        const grown = new Int32Array(stack.length * 2);
        grown.set(stack);
        stack = grown;
      }
      let q = p - 1;
      if (x > 0 && !seen[q] && (prob[q] as number) >= thr) {
        seen[q] = 1;
        stack[top++] = q;
      }
      q = p + 1;
      if (x < w - 1 && !seen[q] && (prob[q] as number) >= thr) {
        seen[q] = 1;
        stack[top++] = q;
      }
      q = p - w;
      if (y > 0 && !seen[q] && (prob[q] as number) >= thr) {
        seen[q] = 1;
        stack[top++] = q;
      }
      q = p + w;
      if (y < h - 1 && !seen[q] && (prob[q] as number) >= thr) {
        seen[q] = 1;
        stack[top++] = q;
      }
    }
    const bw = x1 - x0 + 1,
      bh = y1 - y0 + 1;
    if (count < 10 || bh < 3 || sum / count < boxThr) continue;
    // DB unclip: the map marks a shrunk text kernel; grow it back by area·1.5/perimeter.
    const d = (bw * bh * 1.5) / (2 * (bw + bh));
    boxes.push({
      x: Math.max(0, x0 - d),
      y: Math.max(0, y0 - d),
      width: Math.min(w, x1 + 1 + d) - Math.max(0, x0 - d),
      height: Math.min(h, y1 + 1 + d) - Math.max(0, y0 - d),
    });
  }
  return boxes;
}

/** The first index from `i` on whose probability reaches `thr` (or the length): most are below. */
function next(prob: Float32Array, thr: number, i: number, n: number): number {
  while (i < n && (prob[i] as number) < thr) i++;
  return i;
}
