/**
 * Keeps a paired device's timeline index (the sync package's `createTimelineIndexer`, in
 * IndexedDB) and its month counts (timeline-summaries.idb.ts) up to date with the catalog, in
 * the peer worker. The page paints from these two (timeline-index-reader.ts); `onMonth` tells it
 * a month was rewritten, after both are written, so its read sees the new rows.
 */
import { createTimelineIndexer, decodeTimelineMonth, type Catalog, type MonthKey } from '@hearth/sync';
import { createTimelineIndexStore } from '@hearth/sync/platform';
import { timelineIndexDbName } from './timeline-index-reader.ts';
import { openTimelineSummaries, timelineSummaryDbName } from './timeline-summaries.idb.ts';

/** A running index; `ready` resolves once months stale at start are rewritten. */
export interface CatalogTimeline {
  ready: Promise<void>;
  /** resolves when every change seen so far is in the index and the counts */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startCatalogTimeline(opts: {
  catalog: Catalog;
  libraryId: string;
  onMonth: (month: string) => void;
}): CatalogTimeline {
  const store = createTimelineIndexStore(timelineIndexDbName(opts.libraryId));
  const summaries = openTimelineSummaries(timelineSummaryDbName(opts.libraryId));
  const warn = (e: unknown) => console.warn(`timeline index: ${String(e)}`);
  const indexer = createTimelineIndexer({ catalog: opts.catalog, store, onError: warn });

  /** Summary writes in order, each after its month's index write. */
  let counting: Promise<void> = Promise.resolve();
  const count = (month: MonthKey) => {
    counting = counting
      .then(async () => {
        const bytes = await store.read(month);
        await summaries.set(month, bytes ? decodeTimelineMonth(bytes, `month ${month}`).count : 0);
        opts.onMonth(month);
      })
      .catch(warn);
    return counting;
  };
  const off = indexer.onMonthWritten((m) => void count(m));

  /** Counts lost or left behind (a cleared database, a crash between the two writes). */
  async function reconcile(): Promise<void> {
    const indexed = new Set(await store.months());
    const counted = new Set(await summaries.months());
    for (const m of counted) if (!indexed.has(m)) await summaries.set(m, 0);
    for (const m of indexed) if (!counted.has(m)) await count(m);
  }
  const ready = indexer.start().then(reconcile);
  void ready.catch(warn);

  return {
    ready,
    async idle() {
      await ready;
      await indexer.idle();
      await counting;
    },
    async stop() {
      off();
      await indexer.stop();
      await counting;
      await store.close();
      summaries.close();
    },
  };
}
