/** What the search view asks and gets back (plain data: it crosses the worker boundary). */
import type { TimelineItem } from '../library/timeline-item.ts';

/** Filters beside the words of the query. Trashed items are never results. */
export interface SearchFilters {
  /** only favorites (alone, with an empty query, lists every favorite) */
  favorites?: boolean;
  /** archived items are results too (hidden by default, as in the timeline) */
  archived?: boolean;
}

/** Whether CLIP ranking took part in a search, and why not. */
export type SemanticStatus =
  | {
      state: 'on';
      /** photos with a CLIP embedding on this device */
      photos: number;
      /** the best similarity among photos only CLIP found (shown to tests; a "how sure" hint) */
      best?: number;
    }
  /** someone searched: the text model is being fetched (first time) or loaded; `progress` 0–1 */
  | { state: 'loading'; progress: number }
  | { state: 'off'; reason: string };

/** The matching assets as timeline rows, best first (newest first among equals). */
export interface SearchResult {
  items: TimelineItem[];
  /** how many matched, when more than `items` holds */
  total: number;
  /** CLIP text search (worker search only; absent where it does not exist, the local replica) */
  semantic?: SemanticStatus;
}
