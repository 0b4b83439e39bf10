import { InvalidCatalogInputError } from './catalog-errors.ts';

/** A calendar month of capture time, `YYYY-MM`. The timeline index is keyed by it. */
export type MonthKey = string;
/** An asset shard key: a month, or a month split further (`YYYY-MM.1`, `YYYY-MM.2`, …). */
export type ShardKey = string;

/** Above this many records a month's shard is full and new assets go to the next split. */
export const SHARD_SPLIT_AT = 2000;

const SHARD = /^(\d{4})-(0[1-9]|1[0-2])(?:\.([1-9]\d{0,3}))?$/;

/**
 * The month an asset belongs to: its local capture time (UTC time + the camera's offset), so a
 * photo taken at 23:30 on 31 December in Tokyo is in December, as the person remembers it.
 */
export function monthOf(capturedAt: number, tzOffsetMin = 0): MonthKey {
  if (!Number.isFinite(capturedAt))
    throw new InvalidCatalogInputError(`capture time is not a number: ${capturedAt}`);
  const d = new Date(capturedAt + tzOffsetMin * 60_000);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new InvalidCatalogInputError(`capture time out of range: ${capturedAt}`);
  return `${String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function shardKey(month: MonthKey, split: number): ShardKey {
  return split === 0 ? month : `${month}.${split}`;
}

/** Parses a shard key, or returns undefined for anything else (keys arrive from peers). */
export function parseShardKey(key: string): { month: MonthKey; split: number } | undefined {
  const m = SHARD.exec(key);
  if (!m) return undefined;
  return { month: `${m[1]}-${m[2]}`, split: m[3] ? Number(m[3]) : 0 };
}
