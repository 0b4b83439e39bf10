/**
 * A seeded synthetic library (same seed, same assets) for the demo button, the e2e run and
 * the pwa-* benchmarks: N assets spread over the last `years`, realistic aspect ratios and
 * real thumbhashes (of small generated gradients), no bytes.
 */
import { rgbaToThumbHash } from 'thumbhash';
import type { NewLocalAsset } from './library-client.ts';

/** mulberry32: tiny, fast, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/=+$/, '');
}

/** A thumbhash of a two-colour gradient, so placeholders look like blurred photos. */
function gradientHash(rand: () => number, w: number, h: number): string {
  const rgba = new Uint8Array(w * h * 4);
  const c1 = [rand() * 255, rand() * 255, rand() * 255];
  const c2 = [rand() * 255, rand() * 255, rand() * 255];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const t = (x / w + y / h) / 2;
      const o = (y * w + x) * 4;
      for (let k = 0; k < 3; k++) rgba[o + k] = (c1[k] as number) * (1 - t) + (c2[k] as number) * t;
      rgba[o + 3] = 255;
    }
  return toBase64(rgbaToThumbHash(w, h, rgba));
}

const SHAPES: readonly [number, number][] = [
  [4032, 3024],
  [3024, 4032],
  [1920, 1080],
  [1080, 1920],
  [3000, 3000],
  [6000, 2000],
];

/** Options of the generator. */
export interface SyntheticOptions {
  count: number;
  seed?: number;
  /** spread over this many years back from `now` */
  years?: number;
  now?: number;
}

export function syntheticLibrary(opts: SyntheticOptions): NewLocalAsset[] {
  const rand = prng(opts.seed ?? 42);
  const now = opts.now ?? Date.UTC(2026, 10, 1);
  const span = (opts.years ?? 10) * 365 * 24 * 3600_000;
  const palette = Array.from({ length: 32 }, (_, i) => {
    const [w, h] = SHAPES[i % SHAPES.length]!;
    return {
      w,
      h,
      hash: gradientHash(rand, Math.round((32 * w) / Math.max(w, h)), Math.round((32 * h) / Math.max(w, h))),
    };
  });
  const out: NewLocalAsset[] = [];
  for (let i = 0; i < opts.count; i++) {
    const p = palette[Math.floor(rand() * palette.length)]!;
    const video = rand() < 0.05;
    const id = Array.from({ length: 8 }, () =>
      Math.floor(rand() * 0x100000000)
        .toString(16)
        .padStart(8, '0'),
    ).join('');
    const a: NewLocalAsset = {
      id,
      type: video ? 'video' : 'image',
      mime: video ? 'video/mp4' : 'image/jpeg',
      size: Math.floor(500_000 + rand() * 5_000_000),
      // Photos cluster in days: a bursty distribution, like real libraries.
      capturedAt: Math.floor(now - span * rand() ** 1.5),
      width: p.w,
      height: p.h,
      thumbhash: p.hash,
      fileName: `IMG_${String(i).padStart(5, '0')}.${video ? 'MP4' : 'JPG'}`,
    };
    if (video) a.durationMs = Math.floor(2000 + rand() * 60_000);
    out.push(a);
  }
  return out;
}
