/**
 * What the timeline grid needs per asset: the same columns as the sync package's timeline
 * index (`TimelineMonth`), one object per row. Flag bits match its FLAG_* constants.
 */
export interface TimelineItem {
  /** asset id: hex SHA-256 of the original */
  id: string;
  /** UTC ms */
  capturedAt: number;
  /** the camera's UTC offset in minutes (absent: 0, as the catalog files it) */
  tzOffsetMin?: number;
  /** width / height */
  ratio: number;
  /** FLAG_* bits */
  flags: number;
  /** base64 thumbhash, when the asset has one */
  thumbhash?: string;
  /**
   * hex SHA-256 of the thumbnail blob, when known (the home node's derived ref): a tile whose
   * thumbnail arrives later is re-asked when this appears or changes
   */
  thumb?: string;
}

/** One month of the timeline, as listed before its rows are read. */
export interface MonthSummary {
  /** `YYYY-MM` of capture time */
  month: string;
  count: number;
}

export const FLAG_FAVORITE = 1;
export const FLAG_ARCHIVED = 2;
export const FLAG_TRASHED = 4;
export const FLAG_VIDEO = 8;

/**
 * The month key of a capture time, as the catalog shards it (`monthOf` in @hearth/sync): the
 * camera's local month, so a photo taken 23:30 on 31 December at UTC+2 belongs to December.
 * `tzOffsetMin` is the capture's offset from UTC (0 when unknown).
 */
export function monthKeyOf(ms: number, tzOffsetMin = 0): string {
  const d = new Date(ms + tzOffsetMin * 60_000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The `YYYY-MM-DD` day of a row in the camera's local time, as its month is (`monthKeyOf`):
 * a photo taken 00:30 on 1 August at UTC+2 is on 1 August wherever it is looked at.
 */
export function cameraDayOf(item: Pick<TimelineItem, 'capturedAt' | 'tzOffsetMin'>): string {
  return new Date(item.capturedAt + (item.tzOffsetMin ?? 0) * 60_000).toISOString().slice(0, 10);
}
