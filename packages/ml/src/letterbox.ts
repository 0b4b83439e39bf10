/**
 * Letterboxing pixels into a model's NCHW float tensor: resize (bilinear, half-pixel
 * centres), normalise and split the channels into planes, in one pass over the output. It
 * runs for every photo and every OCR line, so it is kept tight; the arithmetic is fixed (the
 * same operations in the same order whichever path runs, in every browser and Node), so
 * model inputs are bit-identical across runtimes and across these paths.
 */
import { InvalidInputError } from './errors.ts';
import type { Normalization, RgbImage } from './rgb-image.ts';

/** Where the three source channels (R, G, B) go: plane offsets, then value = src·a + b. */
interface Planes {
  readonly p0: number;
  readonly p1: number;
  readonly p2: number;
  readonly a0: number;
  readonly a1: number;
  readonly a2: number;
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
}

/** value = src·a[c] + b[c] per output channel c. */
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
 * `into` (3·width·height floats) is filled and returned instead of a new array, every
 * element written, so a caller can reuse one buffer between photos.
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
  if (w < width || h < height) {
    for (let c = 0; c < 3; c++) {
      const v = pad * (a[c] as number) + (b[c] as number);
      const base = c * plane;
      if (w < width) for (let y = 0; y < h; y++) data.fill(v, base + y * width + w, base + (y + 1) * width);
      data.fill(v, base + h * width, base + plane);
    }
  }
  // Source channel k (R, G, B) goes to output plane p[k]; its constants are that plane's.
  const p = norm.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const at = (k: number) => p[k] as number;
  const planes: Planes = {
    p0: at(0) * plane,
    p1: at(1) * plane,
    p2: at(2) * plane,
    a0: a[at(0)] as number,
    a1: a[at(1)] as number,
    a2: a[at(2)] as number,
    b0: b[at(0)] as number,
    b1: b[at(1)] as number,
    b2: b[at(2)] as number,
  };
  if (w === img.width && h === img.height) copyNormalised(img, width, planes, data);
  else resizeRows(img, w, h, width, planes, data);
  return { data, scale };
}

/** No resize (scale 1): the bilinear weights are all 0, so each value is the pixel, normalised. */
function copyNormalised(img: RgbImage, width: number, q: Planes, data: Float32Array): void {
  const { p0, p1, p2, a0, a1, a2, b0, b1, b2 } = q;
  const src = img.data;
  for (let y = 0; y < img.height; y++) {
    let s = y * img.width * 3;
    let o0 = p0 + y * width;
    let o1 = p1 + y * width;
    let o2 = p2 + y * width;
    for (let x = 0; x < img.width; x++, s += 3) {
      data[o0++] = (src[s] as number) * a0 + b0;
      data[o1++] = (src[s + 1] as number) * a1 + b1;
      data[o2++] = (src[s + 2] as number) * a2 + b2;
    }
  }
}

/**
 * Per output column: the two source byte offsets, and the weight rounded to float32 as it
 * always was (held as a double so the loops do not convert it; the value is the same).
 */
function columns(sw: number, w: number): { cols: Int32Array; wxs: Float64Array } {
  const sx = sw / w;
  const cols = new Int32Array(2 * w);
  const wxs = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
    const x0 = Math.floor(fx);
    cols[2 * x] = x0 * 3;
    cols[2 * x + 1] = Math.min(x0 + 1, sw - 1) * 3;
    wxs[x] = Math.fround(fx - x0);
  }
  return { cols, wxs };
}

/** The source row above an output row, its weight, and the row below (clamped). */
function rowAt(y: number, sy: number, sh: number): { y0: number; y1: number; wy: number } {
  const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
  const y0 = Math.floor(fy);
  return { y0, y1: Math.min(y0 + 1, sh - 1), wy: fy - y0 };
}

/**
 * Bilinear: each output value from two source rows, two columns. (Interpolating each source
 * row across once and sharing it between output rows was tried: slower when shrinking 1.4–1.9×,
 * ~15% faster only near 1:1, so not kept.)
 */
function resizeRows(img: RgbImage, w: number, h: number, width: number, q: Planes, data: Float32Array): void {
  const { p0, p1, p2, a0, a1, a2, b0, b1, b2 } = q;
  const { cols, wxs } = columns(img.width, w);
  const src = img.data;
  const sy = img.height / h;
  for (let y = 0; y < h; y++) {
    const { y0, y1, wy } = rowAt(y, sy, img.height);
    const r0 = y0 * img.width * 3;
    const r1 = y1 * img.width * 3;
    let o0 = p0 + y * width;
    let o1 = p1 + y * width;
    let o2 = p2 + y * width;
    for (let x = 0; x < w; x++) {
      const wx = wxs[x] as number;
      const i = r0 + (cols[2 * x] as number);
      const j = r0 + (cols[2 * x + 1] as number);
      const k = r1 + (cols[2 * x] as number);
      const l = r1 + (cols[2 * x + 1] as number);
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
}
