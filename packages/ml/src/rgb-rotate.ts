/**
 * Cropping and quarter turns of RGB images, for OCR lines (PaddleOCR turns tall crops 90° and
 * upside-down lines 180°). Plain loops over bytes: they run for every detected line.
 */
import type { Box } from './nms.ts';
import type { RgbImage } from './rgb-image.ts';

/** The pixels inside a box (rounded outwards, clipped to the image). */
export function crop(img: RgbImage, b: Box): RgbImage {
  const x0 = Math.max(0, Math.floor(b.x)),
    y0 = Math.max(0, Math.floor(b.y));
  const x1 = Math.min(img.width, Math.ceil(b.x + b.width)),
    y1 = Math.min(img.height, Math.ceil(b.y + b.height));
  const w = Math.max(1, x1 - x0),
    h = Math.max(1, y1 - y0);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    data.set(
      img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + w) * 3),
      y * w * 3,
    );
  return { width: w, height: h, data };
}

/** The image turned 180°. */
export function rotate180(img: RgbImage): RgbImage {
  const n = img.width * img.height;
  const src = img.data;
  const data = new Uint8Array(n * 3);
  for (let i = 0, o = (n - 1) * 3; i < n * 3; i += 3, o -= 3) {
    data[o] = src[i] as number;
    data[o + 1] = src[i + 1] as number;
    data[o + 2] = src[i + 2] as number;
  }
  return { width: img.width, height: img.height, data };
}

/** The image turned 90° counter-clockwise (numpy's rot90, as PaddleOCR turns tall crops). */
export function rotate90ccw(img: RgbImage): RgbImage {
  const { width: w, height: h } = img;
  const src = img.data;
  const data = new Uint8Array(w * h * 3);
  // Output is h wide and w tall: out(x, y) = in(w − 1 − y, x).
  for (let y = 0, o = 0; y < w; y++)
    for (let x = 0; x < h; x++, o += 3) {
      const i = (x * w + (w - 1 - y)) * 3;
      data[o] = src[i] as number;
      data[o + 1] = src[i + 1] as number;
      data[o + 2] = src[i + 2] as number;
    }
  return { width: h, height: w, data };
}
