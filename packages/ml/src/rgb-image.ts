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

/** value = src·a[c] + b[c] per output channel c, as the tensor's planes are written. */
function affine(norm: Normalization): { a: number[]; b: number[] } {
  const mean = norm.mean ?? [0, 0, 0];
  const std = norm.std ?? [1, 1, 1];
  const scl = norm.scale ?? 1;
  return {
    a: [0, 1, 2].map((c) => scl / (std[c] as number)),
    b: [0, 1, 2].map((c) => -(mean[c] as number) / (std[c] as number)),
  };
}

/**
 * Letterbox into a `width`×`height` NCHW float tensor, top-left aligned, aspect kept,
 * padding with `pad`. Returns the tensor data and the scale applied to source coords.
 * Resizing (bilinear, half-pixel centres) and normalising happen in one pass over the
 * output pixels, all three channels at once, with per-column tables: this runs for every
 * photo, so it is kept tight. `into` (3·width·height floats) is filled and returned instead
 * of a new array, every element written, so a caller can reuse one buffer between photos.
 * The arithmetic is fixed (same operations in the same order in every browser and Node):
 * model inputs are bit-identical across runtimes.
 */
export function letterboxNchw(
  img: RgbImage,
  width: number,
  height: number,
  norm: Normalization,
  pad = 0,
  into?: Float32Array,
): { data: Float32Array; scale: number } {
  const scale = Math.min(width / img.width, height / img.height);
  const w = Math.min(width, Math.max(1, Math.round(img.width * scale)));
  const h = Math.min(height, Math.max(1, Math.round(img.height * scale)));
  const plane = width * height;
  if (into && into.length !== 3 * plane)
    throw new InvalidInputError(`tensor buffer holds ${into.length} floats, expected ${3 * plane}`);
  const data = into ?? new Float32Array(3 * plane);
  const { a, b } = affine(norm);
  // Source channel k (R, G, B) goes to output plane p[k]; its constants are that plane's.
  const p = norm.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const [p0, p1, p2] = p.map((c) => c * plane) as [number, number, number];
  const [a0, a1, a2] = p.map((c) => a[c] as number) as [number, number, number];
  const [b0, b1, b2] = p.map((c) => b[c] as number) as [number, number, number];
  const sw = img.width;
  const sh = img.height;
  const src = img.data;
  if (w < width || h < height) {
    for (let c = 0; c < 3; c++) {
      const v = pad * (a[c] as number) + (b[c] as number);
      const base = c * plane;
      if (w < width) for (let y = 0; y < h; y++) data.fill(v, base + y * width + w, base + (y + 1) * width);
      data.fill(v, base + h * width, base + plane);
    }
  }
  if (w === sw && h === sh) {
    // No resize (scale 1): bilinear weights are all 0, so each value is the pixel, normalised.
    for (let y = 0; y < h; y++) {
      let s = y * sw * 3;
      const o = y * width;
      for (let x = 0; x < w; x++, s += 3) {
        data[p0 + o + x] = (src[s] as number) * a0 + b0;
        data[p1 + o + x] = (src[s + 1] as number) * a1 + b1;
        data[p2 + o + x] = (src[s + 2] as number) * a2 + b2;
      }
    }
    return { data, scale };
  }
  const sx = sw / w;
  const sy = sh / h;
  // Per column: the two source byte offsets, and the weight rounded to float32 as it always
  // was (held as a double so the loop does not convert it; the value is the same).
  const cols = new Int32Array(2 * w);
  const wxs = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
    const x0 = Math.floor(fx);
    cols[2 * x] = x0 * 3;
    cols[2 * x + 1] = Math.min(x0 + 1, sw - 1) * 3;
    wxs[x] = Math.fround(fx - x0);
  }
  for (let y = 0; y < h; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    const r0 = y0 * sw * 3;
    const r1 = Math.min(y0 + 1, sh - 1) * sw * 3;
    let o0 = p0 + y * width;
    let o1 = p1 + y * width;
    let o2 = p2 + y * width;
    for (let x = 0; x < w; x++) {
      const wx = wxs[x] as number;
      const ca = cols[2 * x] as number;
      const cb = cols[2 * x + 1] as number;
      const i = r0 + ca;
      const j = r0 + cb;
      const k = r1 + ca;
      const l = r1 + cb;
      // Per channel: top row, bottom row, then between them (the order fixes the rounding).
      let s = src[i] as number;
      let t = src[k] as number;
      let top = s + ((src[j] as number) - s) * wx;
      let bot = t + ((src[l] as number) - t) * wx;
      data[o0++] = (top + (bot - top) * wy) * a0 + b0;
      s = src[i + 1] as number;
      t = src[k + 1] as number;
      top = s + ((src[j + 1] as number) - s) * wx;
      bot = t + ((src[l + 1] as number) - t) * wx;
      data[o1++] = (top + (bot - top) * wy) * a1 + b1;
      s = src[i + 2] as number;
      t = src[k + 2] as number;
      top = s + ((src[j + 2] as number) - s) * wx;
      bot = t + ((src[l + 2] as number) - t) * wx;
      data[o2++] = (top + (bot - top) * wy) * a2 + b2;
    }
  }
  return { data, scale };
}
