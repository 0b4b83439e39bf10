/**
 * The binary form of a TimelineMonth (one file / one IndexedDB value per month):
 *   "HTL3" | u32 count | u32 len + month utf8 | u32 len + version utf8 | pad to 8 |
 *   f64 capturedAt[count] | f32 ratio[count] | ids[32·count] | thumbs[32·count] |
 *   flags[count] | i16 tzOffset[count] | u32 thumbOffsets[count+1] | thumbBytes
 * Little-endian. Lengths are checked on decode so a torn or foreign file is reported, not read.
 * "HTL1" (no thumbs column) and "HTL2" (no tzOffset column) still decode, with those columns
 * empty and a version stamp that never matches the catalog's, so the indexer rebuilds them.
 */
import { TimelineIndexCorruptError } from './catalog-errors.ts';
import type { TimelineMonth } from './timeline-month.ts';

const MAGIC = 0x334c5448; // "HTL3" little-endian
const MAGIC_V2 = 0x324c5448; // "HTL2": before the tzOffset column
const MAGIC_V1 = 0x314c5448; // "HTL1": before the thumbs column
const enc = new TextEncoder();
const dec = new TextDecoder();
const pad8 = (n: number) => (n + 7) & ~7;

export function encodeTimelineMonth(m: TimelineMonth): Uint8Array {
  const month = enc.encode(m.month);
  const version = enc.encode(m.version);
  const n = m.count;
  const head = pad8(12 + month.length + 4 + version.length);
  const size = head + n * 8 + n * 4 + n * 64 + n + n * 2 + (n + 1) * 4 + m.thumbBytes.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, n, true);
  v.setUint32(8, month.length, true);
  out.set(month, 12);
  v.setUint32(12 + month.length, version.length, true);
  out.set(version, 16 + month.length);
  let at = head;
  for (let i = 0; i < n; i++, at += 8) v.setFloat64(at, m.capturedAt[i]!, true);
  for (let i = 0; i < n; i++, at += 4) v.setFloat32(at, m.ratio[i]!, true);
  out.set(m.ids, at);
  at += n * 32;
  out.set(m.thumbs, at);
  at += n * 32;
  out.set(m.flags, at);
  at += n;
  for (let i = 0; i < n; i++, at += 2) v.setInt16(at, m.tzOffset?.[i] ?? 0, true);
  for (let i = 0; i <= n; i++, at += 4) v.setUint32(at, m.thumbOffsets[i]!, true);
  out.set(m.thumbBytes, at);
  return out;
}

function header(
  bytes: Uint8Array,
  where: string,
): { n: number; month: string; version: string; head: number; v: DataView; format: 1 | 2 | 3 } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.length < 16 ? 0 : v.getUint32(0, true);
  if (magic !== MAGIC && magic !== MAGIC_V2 && magic !== MAGIC_V1)
    throw new TimelineIndexCorruptError(where, 'not a timeline month');
  const n = v.getUint32(4, true);
  const ml = v.getUint32(8, true);
  if (16 + ml > bytes.length) throw new TimelineIndexCorruptError(where, 'truncated header');
  const vl = v.getUint32(12 + ml, true);
  if (16 + ml + vl > bytes.length) throw new TimelineIndexCorruptError(where, 'truncated header');
  const month = dec.decode(bytes.subarray(12, 12 + ml));
  const version = dec.decode(bytes.subarray(16 + ml, 16 + ml + vl));
  const format = magic === MAGIC ? 3 : magic === MAGIC_V2 ? 2 : 1;
  return { n, month, version, head: pad8(16 + ml + vl), v, format };
}

/** Only the version stamp, for deciding whether a month must be rebuilt (never current for HTL1/2). */
export function peekTimelineVersion(bytes: Uint8Array, where: string): string {
  const h = header(bytes, where);
  return h.format === 3 ? h.version : `HTL${h.format}:${h.version}`;
}

export function decodeTimelineMonth(bytes: Uint8Array, where: string): TimelineMonth {
  const { n, month, version, head, v, format } = header(bytes, where);
  const thumbCol = format === 1 ? 0 : n * 32;
  const tzCol = format === 3 ? n * 2 : 0;
  const fixed = head + n * 8 + n * 4 + n * 32 + thumbCol + n + tzCol + (n + 1) * 4;
  if (fixed > bytes.length) throw new TimelineIndexCorruptError(where, 'truncated columns');
  const capturedAt = new Float64Array(n);
  const ratio = new Float32Array(n);
  let at = head;
  for (let i = 0; i < n; i++, at += 8) capturedAt[i] = v.getFloat64(at, true);
  for (let i = 0; i < n; i++, at += 4) ratio[i] = v.getFloat32(at, true);
  const ids = bytes.slice(at, at + n * 32);
  at += n * 32;
  const thumbs = format === 1 ? new Uint8Array(n * 32) : bytes.slice(at, at + n * 32);
  at += thumbCol;
  const flags = bytes.slice(at, at + n);
  at += n;
  const tzOffset = new Int16Array(n);
  for (let i = 0; i < n && format === 3; i++, at += 2) tzOffset[i] = v.getInt16(at, true);
  const thumbOffsets = new Uint32Array(n + 1);
  for (let i = 0; i <= n; i++, at += 4) thumbOffsets[i] = v.getUint32(at, true);
  const thumbBytes = bytes.slice(at);
  if (thumbOffsets[n] !== thumbBytes.length)
    throw new TimelineIndexCorruptError(where, 'thumbhash column length mismatch');
  for (let i = 0; i < n; i++)
    if (thumbOffsets[i]! > thumbOffsets[i + 1]!)
      throw new TimelineIndexCorruptError(where, 'thumbhash offsets out of order');
  return {
    month,
    version,
    count: n,
    ids,
    thumbs,
    capturedAt,
    ratio,
    flags,
    tzOffset,
    thumbOffsets,
    thumbBytes,
  };
}
