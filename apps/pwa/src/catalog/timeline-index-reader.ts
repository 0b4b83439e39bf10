/**
 * The page's read of a paired device's timeline index, straight from IndexedDB: month counts
 * from the summaries, a month's rows from its encoded index value. No worker, no Automerge,
 * no catalog shard is involved, so a reload paints the timeline before the peer worker has
 * opened anything. The peer worker keeps both up to date (catalog-timeline.ts).
 */
import { createIdbTimelineIndexStore, decodeTimelineMonth } from '@hearth/sync/timeline-index';
import type { MonthSummary, TimelineItem } from '../library/timeline-item.ts';
import { timelineRows } from './timeline-index-rows.ts';
import { openTimelineSummaries, timelineSummaryDbName } from './timeline-summaries.idb.ts';

/** The IndexedDB database of a library's timeline index (the sync package's store). */
export const timelineIndexDbName = (libraryId: string) => `hearth-timeline-${libraryId}`;

/** What the page reads to paint the timeline (the LibraryClient's `months`/`monthItems`). */
export interface TimelineReader {
  months(): Promise<MonthSummary[]>;
  monthItems(month: string): Promise<TimelineItem[]>;
  close(): void;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function openTimelineReader(libraryId: string): TimelineReader {
  const store = createIdbTimelineIndexStore(timelineIndexDbName(libraryId));
  const summaries = openTimelineSummaries(timelineSummaryDbName(libraryId));
  return {
    months: () => summaries.all(),
    async monthItems(month) {
      if (!MONTH.test(month)) return [];
      const bytes = await store.read(month);
      if (!bytes) return [];
      try {
        return timelineRows(decodeTimelineMonth(bytes, `month ${month}`));
      } catch (e) {
        // A torn value shows as an empty month; the worker's indexer rebuilds it (it reads
        // as not current), and the rewrite's change event reads it again.
        console.warn(`timeline index: ${String(e)}`);
        return [];
      }
    },
    close() {
      summaries.close();
      void store.close();
    },
  };
}
