/**
 * ArcFace-style 5-point similarity alignment to a 112×112 crop: the least-squares
 * similarity (rotation, uniform scale, translation, no reflection) mapping the detector's
 * landmarks onto the standard template, then an inverse-mapped bilinear warp.
 */
import type { Point } from './face-detector.ts';
import type { RgbImage } from './rgb-image.ts';

/** The ArcFace 112×112 template, in image left-to-right order (as YuNet/SCRFD output). */
export const ARCFACE_TEMPLATE: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/** u = a·x − b·y + tx, v = b·x + a·y + ty. */
export interface Similarity {
  readonly a: number;
  readonly b: number;
  readonly tx: number;
  readonly ty: number;
}

/** Least-squares similarity from `src` to `dst` (closed form; same result as Umeyama without reflection). */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  const n = Math.min(src.length, dst.length);
  let msx = 0,
    msy = 0,
    mdx = 0,
    mdy = 0;
  for (let i = 0; i < n; i++) {
    msx += (src[i] as Point).x;
    msy += (src[i] as Point).y;
    mdx += (dst[i] as Point).x;
    mdy += (dst[i] as Point).y;
  }
  msx /= n;
  msy /= n;
  mdx /= n;
  mdy /= n;
  let num1 = 0,
    num2 = 0,
    den = 0;
  for (let i = 0; i < n; i++) {
    const xs = (src[i] as Point).x - msx,
      ys = (src[i] as Point).y - msy;
    const xd = (dst[i] as Point).x - mdx,
      yd = (dst[i] as Point).y - mdy;
    num1 += xs * xd + ys * yd;
    num2 += xs * yd - ys * xd;
    den += xs * xs + ys * ys;
  }
  const a = den > 0 ? num1 / den : 1;
  const b = den > 0 ? num2 / den : 0;
  return { a, b, tx: mdx - (a * msx - b * msy), ty: mdy - (b * msx + a * msy) };
}

/** Warp `img` by `m` into a size×size RGB crop (outside pixels are black, like cv2.warpAffine). */
export function warpSimilarity(img: RgbImage, m: Similarity, size: number): RgbImage {
  const out = new Uint8Array(size * size * 3);
  const det = m.a * m.a + m.b * m.b;
  const { width: W, height: H, data } = img;
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const du = u - m.tx,
        dv = v - m.ty;
      const x = (m.a * du + m.b * dv) / det;
      const y = (-m.b * du + m.a * dv) / det;
      const x0 = Math.floor(x),
        y0 = Math.floor(y);
      const wx = x - x0,
        wy = y - y0;
      const o = (v * size + u) * 3;
      // Out-of-image neighbours count as black (weight kept, value 0), like cv2.warpAffine.
      const in00 = x0 >= 0 && y0 >= 0 && x0 < W && y0 < H;
      const in10 = x0 + 1 >= 0 && y0 >= 0 && x0 + 1 < W && y0 < H;
      const in01 = x0 >= 0 && y0 + 1 >= 0 && x0 < W && y0 + 1 < H;
      const in11 = x0 + 1 >= 0 && y0 + 1 >= 0 && x0 + 1 < W && y0 + 1 < H;
      const p00 = (y0 * W + x0) * 3,
        p10 = p00 + 3,
        p01 = p00 + W * 3,
        p11 = p01 + 3;
      const w00 = (1 - wx) * (1 - wy),
        w10 = wx * (1 - wy),
        w01 = (1 - wx) * wy,
        w11 = wx * wy;
      for (let k = 0; k < 3; k++) {
        const acc =
          (in00 ? (data[p00 + k] as number) * w00 : 0) +
          (in10 ? (data[p10 + k] as number) * w10 : 0) +
          (in01 ? (data[p01 + k] as number) * w01 : 0) +
          (in11 ? (data[p11 + k] as number) * w11 : 0);
        out[o + k] = Math.round(acc);
      }
    }
  }
  return { width: size, height: size, data: out };
}

/** Align one face to the 112×112 ArcFace crop. */
export function alignFace(img: RgbImage, landmarks: readonly Point[], size = 112): RgbImage {
  const s = size / 112;
  const dst = ARCFACE_TEMPLATE.map((p) => ({ x: p.x * s, y: p.y * s }));
  return warpSimilarity(img, estimateSimilarity(landmarks, dst), size);
}
