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

export { letterboxNchw } from './letterbox.ts';
