/**
 * The timeline index as a page reads it, without the rest of the package (`@hearth/sync/timeline-index`):
 * the IndexedDB store, the month codec and its row accessors. Importing the package root would
 * pull Automerge's wasm into the page's first-paint bundle; nothing here imports Automerge.
 */
export { createIdbTimelineIndexStore } from './catalog/timeline-index-store.idb.ts';
export type { TimelineIndexStore } from './catalog/timeline-index-store.ts';
export { decodeTimelineMonth } from './catalog/timeline-codec.ts';
export {
  FLAG_ARCHIVED,
  FLAG_FAVORITE,
  FLAG_TRASHED,
  FLAG_VIDEO,
  timelineIdAt,
  timelineThumbAt,
  timelineThumbhashAt,
  type TimelineMonth,
} from './catalog/timeline-month.ts';
