import type { AssetRecord } from './asset-record.ts';

/** Filters of `hearth ls`. */
export interface AssetFilter {
  type?: 'photo' | 'video';
  album?: string;
  tag?: string;
  /** Inclusive, ms since epoch. */
  since?: number;
  /** Exclusive, ms since epoch. */
  until?: number;
  minRating?: number;
}

export function matches(a: AssetRecord, f: AssetFilter): boolean {
  if (f.type && a.type !== f.type) return false;
  if (f.album && !a.albums?.includes(f.album)) return false;
  if (f.tag && !a.tags?.includes(f.tag)) return false;
  const t = a.takenAt ?? a.importedAt;
  if (f.since !== undefined && t < f.since) return false;
  if (f.until !== undefined && t >= f.until) return false;
  if (f.minRating !== undefined && (a.rating ?? 0) < f.minRating) return false;
  return true;
}

/** Newest first, like the timeline. */
export function byTakenDesc(a: AssetRecord, b: AssetRecord): number {
  return (b.takenAt ?? b.importedAt) - (a.takenAt ?? a.importedAt) || (a.id < b.id ? -1 : 1);
}
