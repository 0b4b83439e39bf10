/**
 * The synced catalog's records in the UI's shapes (`LibraryClient`): an asset's details, its
 * timeline row, an album. Pure mapping, no catalog access; used by `catalog-library.ts`.
 */
import type { Asset, DeviceId } from '@hearth/sync';
import type { AlbumView, AssetDetails } from '../library/library-client.ts';
import {
  FLAG_ARCHIVED,
  FLAG_FAVORITE,
  FLAG_TRASHED,
  FLAG_VIDEO,
  type TimelineItem,
} from '../library/timeline-item.ts';

/** An asset as the viewer and the info panel read it; `deviceId`: this device. */
export function details(a: Asset, deviceId: DeviceId): AssetDetails {
  const d: AssetDetails = {
    id: a.id,
    type: a.type,
    mime: a.mime,
    size: a.size,
    capturedAt: a.capturedAt,
    width: a.width,
    height: a.height,
    ratio: a.ratio,
    favorite: a.favorite,
    archived: a.archived,
    rating: a.rating,
    description: a.description,
    tags: a.tags,
    // Held by a device other than this one: in this library that is the home node (or a peer).
    backedUp: a.holders.some((h) => h !== deviceId),
  };
  if (a.durationMs !== undefined) d.durationMs = a.durationMs;
  if (a.thumbhash !== undefined) d.thumbhash = a.thumbhash;
  if (a.fileName !== undefined) d.fileName = a.fileName;
  if (a.camera !== undefined) d.camera = a.camera;
  if (a.tzOffsetMin !== 0) d.tzOffsetMin = a.tzOffsetMin;
  if (a.gps !== undefined) d.gps = a.gps;
  if (a.place !== undefined) d.place = a.place;
  if (a.trashedAt !== undefined) d.trashedAt = a.trashedAt;
  // Both parts carry the pair; only the still plays the other.
  if (a.type === 'image' && a.livePhotoPair !== undefined) d.livePhotoVideo = a.livePhotoPair;
  if (a.type === 'image' && a.derived['motion'] !== undefined) d.motion = true;
  return d;
}

/** A Live Photo's video part is reached from its still (LIVE badge), not shown as its own item. */
export const inTimeline = (a: Asset): boolean => !(a.type === 'video' && a.livePhotoPair !== undefined);

/** An asset's timeline row. */
export function row(a: Asset): TimelineItem {
  const flags =
    (a.favorite ? FLAG_FAVORITE : 0) |
    (a.archived ? FLAG_ARCHIVED : 0) |
    (a.trashedAt !== undefined ? FLAG_TRASHED : 0) |
    (a.type === 'video' ? FLAG_VIDEO : 0);
  const r: TimelineItem = { id: a.id, capturedAt: a.capturedAt, ratio: a.ratio, flags };
  if (a.thumbhash !== undefined) r.thumbhash = a.thumbhash;
  if (a.tzOffsetMin) r.tzOffsetMin = a.tzOffsetMin;
  const thumb = a.derived['thumbnail']?.hash;
  if (thumb !== undefined) r.thumb = thumb;
  return r;
}

/** An album as the UI reads it (a copy: the catalog's lists stay the catalog's). */
export function albumView(a: {
  id: string;
  title: string;
  description: string;
  cover?: string;
  assets: string[];
  createdAt: number;
}): AlbumView {
  const v: AlbumView = {
    id: a.id,
    title: a.title,
    description: a.description,
    assets: [...a.assets],
    createdAt: a.createdAt,
  };
  if (a.cover !== undefined) v.cover = a.cover;
  return v;
}
