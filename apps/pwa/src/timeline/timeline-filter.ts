import { FLAG_ARCHIVED, FLAG_FAVORITE, FLAG_TRASHED, type TimelineItem } from '../library/timeline-item.ts';

/** Which rows a timeline-shaped page shows. */
export type TimelineFilter = 'timeline' | 'favorites' | 'archive' | 'trash';

/** The main timeline hides archived and trashed items, as Immich does. */
export function matchesFilter(item: TimelineItem, filter: TimelineFilter): boolean {
  const trashed = (item.flags & FLAG_TRASHED) !== 0;
  const archived = (item.flags & FLAG_ARCHIVED) !== 0;
  switch (filter) {
    case 'timeline':
      return !trashed && !archived;
    case 'favorites':
      return !trashed && (item.flags & FLAG_FAVORITE) !== 0;
    case 'archive':
      return !trashed && archived;
    case 'trash':
      return trashed;
  }
}
