/**
 * Raw pixels as the pipelines take them: interleaved 8-bit RGB, row-major. The node
 * backend decodes with sharp; the browser feeds canvas ImageData through `fromRgba`.
 */
import { InvalidInputError } from './errors.ts';

/** An 8-bit interleaved RGB image. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width·height·3 bytes, R G B per pixel. */
  readonly data: Uint8Array;
}

/** Check a buffer's size against its dims, so a bad decode fails here and not deep in a model. */
export function rgbImage(width: number, height: number, data: Uint8Array): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InvalidInputError(`image dims ${width}×${height} are not positive integers`);
  }
  if (data.length !== width * height * 3) {
    throw new InvalidInputError(
      `RGB buffer is ${data.length} bytes, expected ${width * height * 3} for ${width}×${height}`,
    );
  }
  return { width, height, data };
}

/** Drop the alpha channel of RGBA pixels (canvas ImageData). */
export function fromRgba(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray): RgbImage {
  if (rgba.length !== width * height * 4)
    throw new InvalidInputError(`RGBA buffer is ${rgba.length} bytes, expected ${width * height * 4}`);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    out[j] = rgba[i] as number;
    out[j + 1] = rgba[i + 1] as number;
    out[j + 2] = rgba[i + 2] as number;
  }
  return { width, height, data: out };
}

/** Bilinear resize (half-pixel centres, as OpenCV's INTER_LINEAR). */
export function resizeBilinear(img: RgbImage, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  const sx = img.width / width;
  const sy = img.height / height;
  const src = img.data;
  const sw = img.width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = fx - x0;
      const a = (y0 * sw + x0) * 3;
      const b = (y0 * sw + x1) * 3;
      const c = (y1 * sw + x0) * 3;
      const d = (y1 * sw + x1) * 3;
      const o = (y * width + x) * 3;
      for (let k = 0; k < 3; k++) {
        const top = (src[a + k] as number) * (1 - wx) + (src[b + k] as number) * wx;
        const bot = (src[c + k] as number) * (1 - wx) + (src[d + k] as number) * wx;
        out[o + k] = Math.round(top * (1 - wy) + bot * wy);
      }
    }
  }
  return { width, height, data: out };
}

/** How a pixel becomes a float: value = (x·scale − mean[c]) / std[c], channels in `order`. */
export interface Normalization {
  readonly order: 'rgb' | 'bgr';
  readonly scale?: number;
  readonly mean?: readonly [number, number, number];
  readonly std?: readonly [number, number, number];
}

/**
 * Letterbox into a `width`×`height` NCHW float tensor, top-left aligned, aspect kept,
 * padding with `pad`. Returns the tensor data and the scale applied to source coords.
 * Resizing (bilinear, half-pixel centres) and normalising happen in one pass with
 * per-column tables: this runs for every photo, so it is kept tight.
 */
export function letterboxNchw(
  img: RgbImage,
  width: number,
  height: number,
  norm: Normalization,
  pad = 0,
): { data: Float32Array; scale: number } {
  const scale = Math.min(width / img.width, height / img.height);
  const w = Math.min(width, Math.max(1, Math.round(img.width * scale)));
  const h = Math.min(height, Math.max(1, Math.round(img.height * scale)));
  const data = new Float32Array(3 * width * height);
  const plane = width * height;
  const mean = norm.mean ?? [0, 0, 0];
  const std = norm.std ?? [1, 1, 1];
  const scl = norm.scale ?? 1;
  // value = src·a[c] + b[c], with the channel order folded into the source offset.
  const a = [0, 1, 2].map((c) => scl / (std[c] as number));
  const b = [0, 1, 2].map((c) => -(mean[c] as number) / (std[c] as number));
  const srcC = [0, 1, 2].map((c) => (norm.order === 'rgb' ? c : 2 - c));
  const sx = img.width / w;
  const sy = img.height / h;
  const sw = img.width;
  const x0s = new Int32Array(w);
  const x1s = new Int32Array(w);
  const wxs = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0 * 3;
    x1s[x] = Math.min(x0 + 1, sw - 1) * 3;
    wxs[x] = fx - x0;
  }
  const src = img.data;
  for (let c = 0; c < 3; c++) {
    const ac = a[c] as number;
    const bc = b[c] as number;
    const off = srcC[c] as number;
    const base = c * plane;
    data.fill(pad * ac + bc, base, base + plane);
    for (let y = 0; y < h; y++) {
      const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.height - 1);
      const y0 = Math.floor(fy);
      const wy = fy - y0;
      const r0 = y0 * sw * 3 + off;
      const r1 = Math.min(y0 + 1, img.height - 1) * sw * 3 + off;
      const o = base + y * width;
      for (let x = 0; x < w; x++) {
        const xa = x0s[x] as number;
        const xb = x1s[x] as number;
        const wx = wxs[x] as number;
        const top = (src[r0 + xa] as number) + ((src[r0 + xb] as number) - (src[r0 + xa] as number)) * wx;
        const bot = (src[r1 + xa] as number) + ((src[r1 + xb] as number) - (src[r1 + xa] as number)) * wx;
        data[o + x] = (top + (bot - top) * wy) * ac + bc;
      }
    }
  }
  return { data, scale };
}
