import type { AssetId, BlobHash } from '../ids.ts';
import type { Asset } from './asset-record.ts';
import type { MonthKey } from './shard-key.ts';

export const FLAG_FAVORITE = 1;
export const FLAG_ARCHIVED = 2;
export const FLAG_TRASHED = 4;
export const FLAG_VIDEO = 8;

/**
 * One month of the timeline index: a columnar, read-optimised copy of what the timeline
 * grid needs, newest first. Row i of every column is the same asset.
 */
export interface TimelineMonth {
  month: MonthKey;
  /** the catalog's version stamp of the month's shards when this was built */
  version: string;
  count: number;
  /** count × 32 bytes: raw SHA-256 asset ids */
  ids: Uint8Array;
  /**
   * count × 32 bytes: raw SHA-256 of each asset's thumbnail blob (its `derived.thumbnail`
   * ref), all zero when it has none yet — a device fetches thumbnails by hash from this alone
   */
  thumbs: Uint8Array;
  /** UTC ms */
  capturedAt: Float64Array;
  /** width / height */
  ratio: Float32Array;
  /** FLAG_* bits */
  flags: Uint8Array;
  /**
   * the camera's UTC offset in minutes of each row (0 when unknown), for day headers in the
   * camera's local time; absent in months built before the column (read as all 0)
   */
  tzOffset?: Int16Array;
  /** thumbhash bytes of row i are thumbBytes[thumbOffsets[i] .. thumbOffsets[i+1]] (empty: none) */
  thumbOffsets: Uint32Array;
  thumbBytes: Uint8Array;
}

const HEX64 = /^[0-9a-f]{64}$/;

function hexToBytes(hex: string, out: Uint8Array, at: number): void {
  for (let i = 0; i < 32; i++) out[at + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
}

function base64ToBytes(s: string): Uint8Array {
  try {
    const bin = atob(
      s
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(s.length / 4) * 4, '='),
    );
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    // A malformed thumbhash only costs the placeholder colour, not the row.
    return new Uint8Array(0);
  }
}

/** Builds a month from assets (any order; sorted newest first here). */
export function buildTimelineMonth(
  month: MonthKey,
  version: string,
  assets: readonly Asset[],
): TimelineMonth {
  const rows = [...assets].sort((a, b) => b.capturedAt - a.capturedAt || (a.id < b.id ? -1 : 1));
  const n = rows.length;
  const ids = new Uint8Array(n * 32);
  const thumbHashes = new Uint8Array(n * 32);
  const capturedAt = new Float64Array(n);
  const ratio = new Float32Array(n);
  const flags = new Uint8Array(n);
  const tzOffset = new Int16Array(n);
  const thumbOffsets = new Uint32Array(n + 1);
  const thumbs: Uint8Array[] = [];
  let total = 0;
  rows.forEach((a, i) => {
    hexToBytes(a.id, ids, i * 32);
    const thumb = a.derived['thumbnail']?.hash;
    if (thumb !== undefined && HEX64.test(thumb)) hexToBytes(thumb, thumbHashes, i * 32);
    capturedAt[i] = a.capturedAt;
    ratio[i] = a.ratio;
    tzOffset[i] = a.tzOffsetMin;
    flags[i] =
      (a.favorite ? FLAG_FAVORITE : 0) |
      (a.archived ? FLAG_ARCHIVED : 0) |
      (a.trashedAt !== undefined ? FLAG_TRASHED : 0) |
      (a.type === 'video' ? FLAG_VIDEO : 0);
    const t = a.thumbhash ? base64ToBytes(a.thumbhash) : new Uint8Array(0);
    thumbs.push(t);
    total += t.length;
    thumbOffsets[i + 1] = total;
  });
  const thumbBytes = new Uint8Array(total);
  thumbs.forEach((t, i) => thumbBytes.set(t, thumbOffsets[i]!));
  return {
    month,
    version,
    count: n,
    ids,
    thumbs: thumbHashes,
    capturedAt,
    ratio,
    flags,
    tzOffset,
    thumbOffsets,
    thumbBytes,
  };
}

/** The asset id of row i. */
export function timelineIdAt(m: TimelineMonth, i: number): AssetId {
  let s = '';
  for (let j = i * 32; j < i * 32 + 32; j++) s += m.ids[j]!.toString(16).padStart(2, '0');
  return s as AssetId;
}

/** The thumbnail blob hash of row i, or undefined when the asset has none yet. */
export function timelineThumbAt(m: TimelineMonth, i: number): BlobHash | undefined {
  const row = m.thumbs.subarray(i * 32, i * 32 + 32);
  if (row.length < 32 || row.every((b) => b === 0)) return undefined;
  let s = '';
  for (const b of row) s += b.toString(16).padStart(2, '0');
  return s as BlobHash;
}

/** The thumbhash of row i as base64, or undefined. */
export function timelineThumbhashAt(m: TimelineMonth, i: number): string | undefined {
  const bytes = m.thumbBytes.subarray(m.thumbOffsets[i]!, m.thumbOffsets[i + 1]!);
  if (bytes.length === 0) return undefined;
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, '');
}
