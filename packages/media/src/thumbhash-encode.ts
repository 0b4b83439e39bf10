import { rgbaToThumbHash } from 'thumbhash';

/**
 * ThumbHash of an RGBA image (≤100×100), the same format as `thumbhash`'s `rgbaToThumbHash`,
 * computed with small-integer arithmetic for opaque images.
 *
 * Why not call the library: it runs once per photo, so V8 keeps it in its unoptimised tiers,
 * where every floating-point operation allocates a heap number (about 450 KB per 32 px call).
 * During an ingest that garbage made extra scavenges, each of which promoted sharp's large
 * output buffers and started a full GC: about 8 ms of CPU per photo (measured with
 * `--trace-gc` and CPU time per photo against the bare sharp ceiling), more than the encode
 * itself. Here the per-pixel work (colour conversion and the horizontal DCT pass) is done on
 * integers that fit V8's small integers, which never allocate; only the few hundred
 * operations of the vertical pass are floats. The cosine table is fixed point (12 bits), so a
 * quantised factor can differ by one step from the library's; the placeholder is the same.
 * Images with transparency go to the library (rare for photos).
 */
export function encodeThumbHash(w: number, h: number, rgba: Uint8Array): Uint8Array {
  if (w > 100 || h > 100) throw new RangeError(`${w}x${h} doesn't fit in 100x100`);
  const n = w * h;
  for (let j = 3; j < n * 4; j += 4) if (rgba[j] !== 255) return rgbaToThumbHash(w, h, rgba);

  // Channels as integers: L = r+g+b (÷765), P = r+g−2b (÷510), Q = r−g (÷255).
  const buf = workspace(3 * n + 3 * 7 * h);
  const L = buf.subarray(0, n);
  const P = buf.subarray(n, 2 * n);
  const Q = buf.subarray(2 * n, 3 * n);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    const r = rgba[j] as number;
    const g = rgba[j + 1] as number;
    const b = rgba[j + 2] as number;
    L[i] = r + g + b;
    P[i] = r + g - 2 * b;
    Q[i] = r - g;
  }
  const lx = Math.max(1, Math.round((7 * w) / Math.max(w, h)));
  const ly = Math.max(1, Math.round((7 * h) / Math.max(w, h)));
  const l = encodeChannel(L, w, h, Math.max(3, lx), Math.max(3, ly), 765, buf.subarray(3 * n));
  const p = encodeChannel(P, w, h, 3, 3, 510, buf.subarray(3 * n));
  const q = encodeChannel(Q, w, h, 3, 3, 255, buf.subarray(3 * n));

  const round = Math.round;
  const isLandscape = w > h ? 1 : 0;
  const header24 =
    round(63 * l.dc) |
    (round(31.5 + 31.5 * p.dc) << 6) |
    (round(31.5 + 31.5 * q.dc) << 12) |
    (round(31 * l.scale) << 18);
  const header16 =
    (isLandscape ? ly : lx) | (round(63 * p.scale) << 3) | (round(63 * q.scale) << 9) | (isLandscape << 15);
  const acCount = l.ac.length + p.ac.length + q.ac.length;
  const hash = new Uint8Array(5 + ((acCount + 1) >> 1));
  hash.set([header24 & 255, (header24 >> 8) & 255, header24 >> 16, header16 & 255, header16 >> 8]);
  let k = 0;
  for (const ac of [l.ac, p.ac, q.ac])
    for (const f of ac) {
      const at = 5 + (k >> 1);
      hash[at] = (hash[at] as number) | (round(15 * f) << ((k++ & 1) << 2));
    }
  return hash;
}

/** Fixed-point scale of the cosine table: sums stay below 2^30 for 100 px of 765 × 4096. */
const ONE = 4096;
let scratch = new Int32Array(0);

/** A zeroed Int32Array of at least `size`, reused (the encoder is synchronous). */
function workspace(size: number): Int32Array {
  if (scratch.length < size) scratch = new Int32Array(size);
  else scratch.fill(0, 0, size);
  return scratch;
}

/**
 * DC and normalised AC factors of one channel (`max` = the channel's full scale), as the
 * library does: rows first (integers), then columns (floats, nx·ny·h operations).
 */
function encodeChannel(
  ch: Int32Array,
  w: number,
  h: number,
  nx: number,
  ny: number,
  max: number,
  rows: Int32Array,
): { dc: number; ac: number[]; scale: number } {
  // rows[cx * h + y] = Σx ch[x, y] · cos(π/w · cx · (x + ½)) · ONE
  for (let cx = 0; cx < nx; cx++) {
    const cos = cosTable(w, cx);
    for (let y = 0; y < h; y++) {
      let s = 0;
      const row = y * w;
      for (let x = 0; x < w; x++) s += (ch[row + x] as number) * (cos[x] as number);
      rows[cx * h + y] = s;
    }
  }
  let dc = 0;
  let scale = 0;
  const ac: number[] = [];
  const norm = 1 / (ONE * max * w * h);
  for (let cy = 0; cy < ny; cy++) {
    for (let cx = 0; cx * ny < nx * (ny - cy); cx++) {
      let f = 0;
      for (let y = 0; y < h; y++)
        f += (rows[cx * h + y] as number) * Math.cos((Math.PI / h) * cy * (y + 0.5));
      f *= norm;
      if (cx || cy) {
        ac.push(f);
        scale = Math.max(scale, Math.abs(f));
      } else dc = f;
    }
  }
  if (scale) for (let i = 0; i < ac.length; i++) ac[i] = 0.5 + (0.5 / scale) * (ac[i] as number);
  return { dc, ac, scale };
}

const cosTables = new Map<number, Int32Array>();

/** round(cos(π/w · cx · (x + ½)) · ONE) for x < w, cached per (w, cx). */
function cosTable(w: number, cx: number): Int32Array {
  const key = w * 8 + cx;
  let t = cosTables.get(key);
  if (!t) {
    t = new Int32Array(w);
    for (let x = 0; x < w; x++) t[x] = Math.round(Math.cos((Math.PI / w) * cx * (x + 0.5)) * ONE);
    cosTables.set(key, t);
  }
  return t;
}
