import { rgbaToThumbHash } from 'thumbhash';

/**
 * ThumbHash of an RGBA image (≤100×100), byte for byte what `thumbhash`'s `rgbaToThumbHash`
 * gives, computed with small-integer arithmetic for opaque images.
 *
 * Why not call the library: it runs once per photo, so V8 keeps it in its unoptimised tiers,
 * where every floating-point operation allocates a heap number (about 450 KB per 32 px call).
 * During an ingest that garbage made extra scavenges, each of which promoted sharp's large
 * output buffers and started a full GC: about 8 ms of CPU per photo (measured with
 * `--trace-gc` and CPU time per photo against the bare sharp ceiling), more than the encode
 * itself. Here the per-pixel work (colour conversion and the horizontal DCT pass) is done on
 * integers that fit V8's small integers, which never allocate; only the few hundred
 * operations of the vertical pass are floats.
 *
 * Same output: the cosines are fixed point in two 12-bit parts (24 bits), so each factor is
 * within {@link FACTOR_ERROR} of the library's. Every quantised value is then checked: if one
 * lies closer than its error bound to a rounding boundary (about 1 image in 1,000), the image
 * goes to the library, so the result never differs. Images with transparency go to the library
 * too (rare for photos).
 */
export function encodeThumbHash(w: number, h: number, rgba: Uint8Array): Uint8Array {
  if (w > 100 || h > 100) throw new RangeError(`${w}x${h} doesn't fit in 100x100`);
  const n = w * h;
  for (let j = 3; j < n * 4; j += 4) if (rgba[j] !== 255) return rgbaToThumbHash(w, h, rgba);

  // Channels as integers: L = r+g+b (÷765), P = r+g−2b (÷510), Q = r−g (÷255).
  const buf = workspace(3 * n);
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
  const l = encodeChannel(L, w, h, Math.max(3, lx), Math.max(3, ly), 765);
  const p = encodeChannel(P, w, h, 3, 3, 510);
  const q = encodeChannel(Q, w, h, 3, 3, 255);
  // A value this close to where `round` changes its mind might round the other way in the library.
  if (!(clear(l, 31) && clear(p, 63) && clear(q, 63))) return rgbaToThumbHash(w, h, rgba);

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

/**
 * Bound on |factor − library's factor| (factors are in channel units, |f| ≤ 1): half a step of
 * the 24-bit cosines, plus room for floating-point rounding (the library sums in another order).
 */
const FACTOR_ERROR = 0.5 / (4096 * 4096) + 1e-12;
/** Rounding noise only: the DC terms use cos 0 = 1, which the table holds exactly. */
const DC_ERROR = 1e-12;

/** Whether `x` is farther than `err` from a rounding boundary (k + ½), so both round alike. */
const farFromHalf = (x: number, err: number) => Math.abs(x - Math.floor(x) - 0.5) > err;

/** Whether every value of a channel that the hash quantises rounds as the library's would. */
function clear(c: Channel, scaleSteps: number): boolean {
  // All zero (P and Q of a grey photo): the library's sums are exactly 0 too.
  if (c.zero) return true;
  if (!farFromHalf(63 * c.dc, 63 * DC_ERROR) || !farFromHalf(31.5 + 31.5 * c.dc, 31.5 * DC_ERROR))
    return false;
  if (!farFromHalf(scaleSteps * c.scale, scaleSteps * FACTOR_ERROR)) return false;
  // The library normalises by its own scale: ours must be far from 0 to bound the ratio.
  if (c.scale <= 2 * FACTOR_ERROR) return false;
  // ac = ½ + ½·f/scale: f and scale each off by at most FACTOR_ERROR.
  const err = (7.5 * 2 * FACTOR_ERROR) / (c.scale - FACTOR_ERROR);
  for (const a of c.ac) if (!farFromHalf(15 * a, err)) return false;
  return true;
}

/** One channel's DCT: DC, normalised AC factors, their scale; `zero` when every value was 0. */
interface Channel {
  dc: number;
  ac: number[];
  scale: number;
  zero: boolean;
}

/** Fixed-point scale of each cosine part: sums stay below 2^30 for 100 px of 765 × 4096. */
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
function encodeChannel(ch: Int32Array, w: number, h: number, nx: number, ny: number, max: number): Channel {
  // joined[cx * h + y] = Σx ch[x, y] · cos(π/w · cx · (x + ½)) · ONE, with the cosine in two
  // 12-bit parts (hi + lo / ONE): two integer sums, joined as one float per row.
  const joined = rowSums(nx * h);
  let any = 0;
  for (let cx = 0; cx < nx; cx++) {
    const [hi, lo] = cosTable(w, cx);
    for (let y = 0; y < h; y++) {
      let s = 0;
      let t = 0;
      const row = y * w;
      for (let x = 0; x < w; x++) {
        const c = ch[row + x] as number;
        any |= c;
        s += c * (hi[x] as number);
        t += c * (lo[x] as number);
      }
      joined[cx * h + y] = s + t / ONE;
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
        f += (joined[cx * h + y] as number) * Math.cos((Math.PI / h) * cy * (y + 0.5));
      f *= norm;
      if (cx || cy) {
        ac.push(f);
        scale = Math.max(scale, Math.abs(f));
      } else dc = f;
    }
  }
  if (scale) for (let i = 0; i < ac.length; i++) ac[i] = 0.5 + (0.5 / scale) * (ac[i] as number);
  return { dc, ac, scale, zero: any === 0 };
}

let joinedRows = new Float64Array(0);

/** A Float64Array of at least `size`, reused (one channel at a time). */
function rowSums(size: number): Float64Array {
  if (joinedRows.length < size) joinedRows = new Float64Array(size);
  return joinedRows;
}

const cosTables = new Map<number, [Int32Array, Int32Array]>();

/**
 * cos(π/w · cx · (x + ½)) · ONE for x < w, cached per (w, cx), as `hi + lo / ONE` with both
 * parts integers (|error| ≤ ½ / ONE²).
 */
function cosTable(w: number, cx: number): [Int32Array, Int32Array] {
  const key = w * 8 + cx;
  let t = cosTables.get(key);
  if (!t) {
    const hi = new Int32Array(w);
    const lo = new Int32Array(w);
    for (let x = 0; x < w; x++) {
      const c = Math.cos((Math.PI / w) * cx * (x + 0.5)) * ONE;
      hi[x] = Math.round(c);
      lo[x] = Math.round((c - (hi[x] as number)) * ONE);
    }
    t = [hi, lo];
    cosTables.set(key, t);
  }
  return t;
}
