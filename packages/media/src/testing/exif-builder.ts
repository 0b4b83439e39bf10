/**
 * Writes minimal big-endian EXIF (TIFF) blocks for tests: just enough to put chosen,
 * possibly absurd, values (year 9999, latitude 200, orientation 99) into a JPEG without
 * any tool, so the bad-input corpus can be generated anywhere, the browser included.
 */
export type ExifValue =
  { ascii: string } | { short: number } | { long: number } | { rational: [number, number][] };
export interface ExifSpec {
  ifd0?: Record<number, ExifValue>;
  exif?: Record<number, ExifValue>;
  gps?: Record<number, ExifValue>;
}

export const TAG = {
  Make: 0x010f,
  Model: 0x0110,
  Orientation: 0x0112,
  ExifIFD: 0x8769,
  GPSIFD: 0x8825,
  DateTimeOriginal: 0x9003,
  CreateDate: 0x9004,
  OffsetTimeOriginal: 0x9011,
  GPSLatitudeRef: 1,
  GPSLatitude: 2,
  GPSLongitudeRef: 3,
  GPSLongitude: 4,
} as const;

function valueBytes(v: ExifValue): { type: number; count: number; bytes: number[] } {
  if ('ascii' in v) {
    const b = [...new TextEncoder().encode(v.ascii), 0];
    return { type: 2, count: b.length, bytes: b };
  }
  if ('short' in v) return { type: 3, count: 1, bytes: [(v.short >> 8) & 255, v.short & 255, 0, 0] };
  if ('long' in v) return { type: 4, count: 1, bytes: u32(v.long) };
  return { type: 5, count: v.rational.length, bytes: v.rational.flatMap(([n, d]) => [...u32(n), ...u32(d)]) };
}
function u32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

/** Lay out one IFD at `offset`; returns its bytes (entries followed by their out-of-line data). */
function ifdBytes(entries: Record<number, ExifValue>, offset: number): number[] {
  const tags = Object.keys(entries)
    .map(Number)
    .sort((a, b) => a - b);
  const head = 2 + tags.length * 12 + 4;
  const out: number[] = [(tags.length >> 8) & 255, tags.length & 255];
  const data: number[] = [];
  for (const tag of tags) {
    const { type, count, bytes } = valueBytes(entries[tag] as ExifValue);
    out.push((tag >> 8) & 255, tag & 255, 0, type, ...u32(count));
    if (bytes.length <= 4) out.push(...bytes, ...new Array(4 - bytes.length).fill(0));
    else {
      out.push(...u32(offset + head + data.length));
      data.push(...bytes);
      if (data.length % 2) data.push(0);
    }
  }
  out.push(0, 0, 0, 0);
  return [...out, ...data];
}

/** A TIFF block (as stored after `Exif\0\0`) holding the given IFDs. */
export function buildTiff(spec: ExifSpec): Uint8Array {
  const ifd0 = { ...(spec.ifd0 ?? {}) };
  // Sub-IFD pointers are placeholders first, so IFD0's size is known, then patched.
  if (spec.exif) ifd0[TAG.ExifIFD] = { long: 0 };
  if (spec.gps) ifd0[TAG.GPSIFD] = { long: 0 };
  let first = ifdBytes(ifd0, 8);
  let next = 8 + first.length;
  const exif = spec.exif ? ifdBytes(spec.exif, next) : [];
  if (spec.exif) ifd0[TAG.ExifIFD] = { long: next };
  next += exif.length;
  const gps = spec.gps ? ifdBytes(spec.gps, next) : [];
  if (spec.gps) ifd0[TAG.GPSIFD] = { long: next };
  first = ifdBytes(ifd0, 8);
  return new Uint8Array([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, ...first, ...exif, ...gps]);
}

/** Insert an APP1 Exif segment right after a JPEG's SOI. */
export function withExif(jpeg: Uint8Array, tiff: Uint8Array): Uint8Array {
  const payload = new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff]);
  return insertSegment(jpeg, 0xe1, payload);
}

/** Insert a raw APPn segment (payload ≤ 65,533 bytes) after SOI. */
export function insertSegment(jpeg: Uint8Array, marker: number, payload: Uint8Array): Uint8Array {
  const len = payload.length + 2;
  const seg = new Uint8Array([0xff, marker, (len >> 8) & 255, len & 255, ...payload]);
  const out = new Uint8Array(jpeg.length + seg.length);
  out.set(jpeg.subarray(0, 2));
  out.set(seg, 2);
  out.set(jpeg.subarray(2), 2 + seg.length);
  return out;
}

/** A GPS IFD for a decimal position. */
export function gpsIfd(lat: number, lon: number): Record<number, ExifValue> {
  const dms = (v: number): [number, number][] => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 1000);
    return [
      [d, 1],
      [m, 1],
      [s, 1000],
    ];
  };
  return {
    [TAG.GPSLatitudeRef]: { ascii: lat >= 0 ? 'N' : 'S' },
    [TAG.GPSLatitude]: { rational: dms(lat) },
    [TAG.GPSLongitudeRef]: { ascii: lon >= 0 ? 'E' : 'W' },
    [TAG.GPSLongitude]: { rational: dms(lon) },
  };
}
