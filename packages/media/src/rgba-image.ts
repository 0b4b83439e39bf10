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

/**
 * Area-average resize of 8-bit pixels (1–4 channels) to RGBA `outW`×`outH`: every source pixel
 * counts in proportion to how much of each output pixel it covers (nearest pixel when
 * enlarging). Used for the tiny outputs (thumbhash ≤100 px, dHash 9×8), where a box filter is
 * what the hashes want and one JS pass over a thumbnail-sized buffer is cheaper than another
 * native resize.
 */
export function resizeArea(
  src: { data: Uint8Array; width: number; height: number; channels: number },
  outW: number,
  outH: number,
): RgbaImage {
  const { data, width: w, height: h, channels: c } = src;
  const xm = spans(w, outW);
  const ym = spans(h, outH);
  // Horizontal pass into h rows of outW RGBA floats, then vertical into outH rows.
  const mid = new Float32Array(h * outW * 4);
  for (let y = 0; y < h; y++) {
    const rowIn = y * w * c;
    const rowOut = y * outW * 4;
    for (let x = 0; x < w; x++) {
      const i = rowIn + x * c;
      const r = data[i] as number;
      const g = c >= 3 ? (data[i + 1] as number) : r;
      const b = c >= 3 ? (data[i + 2] as number) : r;
      const a = c === 4 ? (data[i + 3] as number) : c === 2 ? (data[i + 1] as number) : 255;
      const o0 = rowOut + (xm.bin[x] as number) * 4;
      const w0 = xm.w0[x] as number;
      mid[o0] = (mid[o0] as number) + r * w0;
      mid[o0 + 1] = (mid[o0 + 1] as number) + g * w0;
      mid[o0 + 2] = (mid[o0 + 2] as number) + b * w0;
      mid[o0 + 3] = (mid[o0 + 3] as number) + a * w0;
      const w1 = 1 - w0;
      if (w1 > 0) {
        const o1 = o0 + 4;
        mid[o1] = (mid[o1] as number) + r * w1;
        mid[o1 + 1] = (mid[o1 + 1] as number) + g * w1;
        mid[o1 + 2] = (mid[o1 + 2] as number) + b * w1;
        mid[o1 + 3] = (mid[o1 + 3] as number) + a * w1;
      }
    }
  }
  const acc = new Float32Array(outW * outH * 4);
  const rowLen = outW * 4;
  for (let y = 0; y < h; y++) {
    const o0 = (ym.bin[y] as number) * rowLen;
    const w0 = ym.w0[y] as number;
    const w1 = 1 - w0;
    const m = y * rowLen;
    for (let k = 0; k < rowLen; k++) {
      const v = mid[m + k] as number;
      acc[o0 + k] = (acc[o0 + k] as number) + v * w0;
      if (w1 > 0) acc[o0 + rowLen + k] = (acc[o0 + rowLen + k] as number) + v * w1;
    }
  }
  const out = new Uint8Array(outW * outH * 4);
  for (let oy = 0; oy < outH; oy++)
    for (let ox = 0; ox < outW; ox++) {
      const norm = 1 / ((xm.total[ox] as number) * (ym.total[oy] as number));
      const o = (oy * outW + ox) * 4;
      for (let ch = 0; ch < 4; ch++) out[o + ch] = Math.min(255, Math.round((acc[o + ch] as number) * norm));
    }
  return { width: outW, height: outH, data: out };
}

/**
 * Where each of `size` source cells lands among `n` output cells when shrinking: its first
 * output cell, the share of it in that cell (the rest goes to the next one), and each output
 * cell's total weight. When enlarging, each source cell goes whole to one output cell, and
 * output cells that get none are filled by a later pass (see below).
 */
function spans(size: number, n: number): { bin: Int32Array; w0: Float32Array; total: Float32Array } {
  const bin = new Int32Array(size);
  const w0 = new Float32Array(size);
  const total = new Float32Array(n);
  const scale = n / size; // output cells per source cell (≤ 1 when shrinking)
  for (let s = 0; s < size; s++) {
    const a = s * scale;
    const b = (s + 1) * scale;
    const first = Math.min(n - 1, Math.floor(a));
    const edge = first + 1;
    const share = b > edge && edge < n ? (edge - a) / (b - a) : 1;
    bin[s] = first;
    w0[s] = share;
    total[first] = (total[first] as number) + share;
    if (share < 1) total[first + 1] = (total[first + 1] as number) + (1 - share);
  }
  return { bin, w0, total };
}
