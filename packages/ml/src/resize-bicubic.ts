/**
 * Bicubic resize that reproduces Pillow's `Image.resize(size, BICUBIC)` byte for byte (its
 * Resample.c: cubic kernel a = −0.5, support widened by the scale when shrinking so it
 * antialiases, coefficients in 22-bit fixed point, horizontal pass first, rounded to bytes
 * between passes). OpenAI's CLIP preprocessing resizes with exactly this, so embeddings of
 * real CLIP weights match the reference implementation's.
 */
import type { RgbImage } from './rgb-image.ts';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

function cubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Per output pixel: the first source index, the tap count and fixed-point weights. */
interface Coeffs {
  readonly ksize: number;
  readonly bounds: Int32Array;
  readonly k: Int32Array;
}

function coefficients(inSize: number, outSize: number): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 2 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const k = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = cubic((x + xmin - center + 0.5) / filterscale);
      ww += w[x] as number;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? (w[x] as number) / ww : (w[x] as number);
      k[xx * ksize + x] = Math.trunc(v < 0 ? -0.5 + v * ONE : 0.5 + v * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, k };
}

const clip8 = (ss: number) => {
  const v = Math.floor(ss / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
};

/** Resize interleaved RGB to `width`×`height` as Pillow's BICUBIC does. */
export function resizeBicubic(img: RgbImage, width: number, height: number): RgbImage {
  let src = img;
  if (width !== img.width) {
    const c = coefficients(img.width, width);
    const out = new Uint8Array(width * img.height * 3);
    const data = img.data;
    const { bounds, k, ksize } = c;
    for (let y = 0; y < img.height; y++) {
      const row = y * img.width * 3;
      const orow = y * width * 3;
      for (let xx = 0; xx < width; xx++) {
        const n = bounds[xx * 2 + 1] as number;
        const kOff = xx * ksize;
        let p = row + (bounds[xx * 2] as number) * 3;
        let r = HALF;
        let g = HALF;
        let b = HALF;
        for (let x = 0; x < n; x++, p += 3) {
          const w = k[kOff + x] as number;
          r += (data[p] as number) * w;
          g += (data[p + 1] as number) * w;
          b += (data[p + 2] as number) * w;
        }
        const o = orow + xx * 3;
        out[o] = clip8(r);
        out[o + 1] = clip8(g);
        out[o + 2] = clip8(b);
      }
    }
    src = { width, height: img.height, data: out };
  }
  if (height === src.height) return src;
  const c = coefficients(src.height, height);
  const out = new Uint8Array(width * height * 3);
  const stride = width * 3;
  for (let yy = 0; yy < height; yy++) {
    const ymin = c.bounds[yy * 2] as number;
    const n = c.bounds[yy * 2 + 1] as number;
    const kOff = yy * c.ksize;
    for (let i = 0; i < stride; i++) {
      let s = HALF;
      for (let y = 0; y < n; y++)
        s += (src.data[(y + ymin) * stride + i] as number) * (c.k[kOff + y] as number);
      out[yy * stride + i] = clip8(s);
    }
  }
  return { width, height, data: out };
}
