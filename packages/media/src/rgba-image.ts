/** Raw 8-bit RGBA pixels, row-major, `data.length === width * height * 4`. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Expand 1–4 channel 8-bit pixels to RGBA. */
export function toRgba(data: Uint8Array, width: number, height: number, channels: number): RgbaImage {
  if (channels === 4) return { width, height, data };
  const out = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    const o = i * 4;
    if (channels >= 3) {
      out[o] = data[j] as number;
      out[o + 1] = data[j + 1] as number;
      out[o + 2] = data[j + 2] as number;
    } else {
      out[o] = out[o + 1] = out[o + 2] = data[j] as number;
    }
    out[o + 3] = channels === 2 ? (data[j + 1] as number) : 255;
  }
  return { width, height, data: out };
}

/** Size with the short side at most `shortSide`, never enlarged. */
export function fitShortSide(
  width: number,
  height: number,
  shortSide: number,
): { width: number; height: number } {
  const scale = Math.min(1, shortSide / Math.min(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Size fitted inside a `maxSide` square, never enlarged. */
export function fitInside(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Fraction of pixels that differ noticeably from the mean: 0 for a blank (single-colour) image. */
export function detailRatio(img: RgbaImage): number {
  const n = img.width * img.height;
  let sum = 0;
  for (let i = 0; i < n; i++)
    sum += (img.data[i * 4] as number) + (img.data[i * 4 + 1] as number) + (img.data[i * 4 + 2] as number);
  const mean = sum / (3 * n);
  let differ = 0;
  for (let i = 0; i < n; i++) {
    const v =
      ((img.data[i * 4] as number) + (img.data[i * 4 + 1] as number) + (img.data[i * 4 + 2] as number)) / 3;
    if (Math.abs(v - mean) > 8) differ++;
  }
  return differ / n;
}
