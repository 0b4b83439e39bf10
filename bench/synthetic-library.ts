/**
 * One seeded generator of realistic synthetic photo libraries, reused by every benchmark
 * that needs a library (catalog, timeline, later search/map/faces). Same options + seed →
 * the same library, byte for byte.
 *
 * Shape (loosely modelled on a real family library):
 * - capture times over `years` years ending at `end`, growing ~30%/year (more photos lately);
 * - 40% everyday photos (daytime hours), 45% on trips (~2 a year, 4–14 days, 40–200 a day),
 *   15% on single "event" days (birthdays, outings: dozens in a few hours);
 * - GPS clustered around home and each trip's destination (±~5 km), 15% without GPS;
 * - camera models by era (a new phone every ~3 years, a camera on trips);
 * - aspect ratios 4:3 / 3:4 / 16:9 / 9:16 / 1:1 / 3:2, ~8% videos, ~3% favorites, ~1% archived;
 * - one album per trip (about a third of its photos) plus a few theme albums.
 */
import type { AssetId, NewAsset } from '@hearth/sync';

export interface SyntheticLibraryOptions {
  /** number of assets (default 10,000) */
  assets?: number;
  /** PRNG seed (default 1) */
  seed?: number;
  /** years covered (default 15) */
  years?: number;
  /** end of the covered period, UTC ms (default 2026-01-01) */
  end?: number;
  /** extra theme albums besides one per trip (default 5) */
  themeAlbums?: number;
}

export interface SyntheticAsset extends NewAsset {
  favorite: boolean;
  archived: boolean;
}

export interface SyntheticLibrary {
  /** sorted by capture time, oldest first */
  assets: SyntheticAsset[];
  albums: Array<{ title: string; assets: AssetId[] }>;
}

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const HOME = { lat: 48.137, lon: 11.575, tz: 60, place: 'Munich' };
const DESTINATIONS = [
  { lat: 41.903, lon: 12.496, tz: 60, place: 'Rome' },
  { lat: 43.296, lon: 5.37, tz: 60, place: 'Marseille' },
  { lat: 64.146, lon: -21.942, tz: 0, place: 'Reykjavik' },
  { lat: 35.676, lon: 139.65, tz: 540, place: 'Tokyo' },
  { lat: 40.713, lon: -74.006, tz: -300, place: 'New York' },
  { lat: 46.62, lon: 8.04, tz: 60, place: 'Grindelwald' },
  { lat: 38.722, lon: -9.139, tz: 0, place: 'Lisbon' },
  { lat: -33.869, lon: 151.209, tz: 600, place: 'Sydney' },
];
const PHONES: Array<[string, string]> = [
  ['Apple', 'iPhone 4S'],
  ['Samsung', 'Galaxy S5'],
  ['Apple', 'iPhone 7'],
  ['Google', 'Pixel 3'],
  ['Apple', 'iPhone 11 Pro'],
  ['Google', 'Pixel 7'],
  ['Apple', 'iPhone 15 Pro'],
];
const CAMERAS: Array<[string, string]> = [
  ['Canon', 'EOS 600D'],
  ['Sony', 'ILCE-7M3'],
  ['FUJIFILM', 'X-T4'],
];
const RATIOS: Array<[number, number, number]> = [
  [4032, 3024, 0.45],
  [3024, 4032, 0.25],
  [1920, 1080, 0.1],
  [1080, 1920, 0.08],
  [3024, 3024, 0.05],
  [6000, 4000, 0.07],
];
const THEMES = ['Best of', 'Family', 'Food', 'Sunsets', 'Pets', 'Garden', 'Friends', 'Screenshots to keep'];

export function generateLibrary(opts: SyntheticLibraryOptions = {}): SyntheticLibrary {
  const n = opts.assets ?? 10_000;
  const years = opts.years ?? 15;
  const end = opts.end ?? Date.UTC(2026, 0, 1);
  const start = end - Math.round(years * 365.25) * DAY;
  const rnd = seededRandom(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const hex = () => {
    let s = '';
    for (let i = 0; i < 8; i++)
      s += Math.floor(rnd() * 2 ** 32)
        .toString(16)
        .padStart(8, '0');
    return s;
  };
  const yearWeight = (t: number) => 1.3 ** ((t - start) / (365.25 * DAY));
  /** a time in [start, end) drawn with the growth weighting */
  const growthTime = () => {
    for (;;) {
      const t = start + rnd() * (end - start);
      if (rnd() * yearWeight(end) < yearWeight(t)) return t;
    }
  };
  const trips = Array.from({ length: years * 2 }, () => {
    const from = Math.floor(growthTime() / DAY) * DAY;
    return { from, days: 4 + Math.floor(rnd() * 11), dest: pick(DESTINATIONS), assets: [] as AssetId[] };
  });
  const events = Array.from({ length: years * 15 }, () => Math.floor(growthTime() / DAY) * DAY);

  const assets: SyntheticAsset[] = [];
  for (let i = 0; i < n; i++) {
    const kind = rnd();
    let local: number;
    let where = HOME;
    let trip: (typeof trips)[number] | undefined;
    if (kind < 0.4) local = Math.floor(growthTime() / DAY) * DAY + (8 + rnd() * 14) * 3_600_000;
    else if (kind < 0.85) {
      trip = pick(trips);
      where = trip.dest;
      local = trip.from + Math.floor(rnd() * trip.days) * DAY + (7 + rnd() * 15) * 3_600_000;
    } else local = pick(events) + (10 + rnd() * 4) * 3_600_000 + rnd() * 4 * 3_600_000;
    const capturedAt = Math.round(local - where.tz * 60_000);
    const era = Math.min(
      PHONES.length - 1,
      Math.floor(((capturedAt - start) / (end - start)) * PHONES.length),
    );
    const [make, model] = trip && rnd() < 0.4 ? pick(CAMERAS) : PHONES[era]!;
    let r = rnd();
    const [width, height] = RATIOS.find(([, , p]) => (r -= p) < 0) ?? RATIOS[0]!;
    const video = rnd() < 0.08;
    const id = hex() as AssetId;
    const a: SyntheticAsset = {
      id,
      type: video ? 'video' : 'image',
      mime: video ? 'video/mp4' : make === 'Apple' ? 'image/heic' : 'image/jpeg',
      size: Math.round((video ? 20e6 : 2.5e6) * (0.5 + rnd())),
      capturedAt,
      tzOffsetMin: where.tz,
      width: video ? (Math.max(width, height) === width ? 1920 : 1080) : width,
      height: video ? (Math.max(width, height) === width ? 1080 : 1920) : height,
      thumbhash: btoa(
        String.fromCharCode(...Array.from({ length: 24 }, () => Math.floor(rnd() * 256))),
      ).replace(/=+$/, ''),
      camera: { make, model },
      fileName: `${video ? 'VID' : 'IMG'}_${String(i).padStart(6, '0')}.${video ? 'MP4' : 'JPG'}`,
      favorite: rnd() < 0.03,
      archived: rnd() < 0.01,
    };
    if (video) a.durationMs = Math.round(3000 + rnd() * 60_000);
    if (rnd() > 0.15)
      a.gps = { lat: where.lat + (rnd() - 0.5) * 0.09, lon: where.lon + (rnd() - 0.5) * 0.09 };
    if (a.gps) a.place = where.place;
    if (trip && rnd() < 0.33) trip.assets.push(id);
    assets.push(a);
  }
  assets.sort((x, y) => x.capturedAt - y.capturedAt);

  const albums = trips
    .filter((t) => t.assets.length > 0)
    .sort((x, y) => x.from - y.from)
    .map((t) => ({ title: `${t.dest.place} ${new Date(t.from).getUTCFullYear()}`, assets: t.assets }));
  for (let k = 0; k < (opts.themeAlbums ?? 5); k++) {
    const size = 20 + Math.floor(rnd() * 200);
    const chosen = new Set<AssetId>();
    for (let j = 0; j < size && assets.length > 0; j++) chosen.add(pick(assets).id);
    albums.push({ title: THEMES[k % THEMES.length]!, assets: [...chosen] });
  }
  return { assets, albums };
}
