import type { Catalog } from './catalog.ts';
import { Listeners } from './listeners.ts';
import type { MonthKey } from './shard-key.ts';
import { encodeTimelineMonth, peekTimelineVersion } from './timeline-codec.ts';
import type { TimelineIndexStore } from './timeline-index-store.ts';
import { buildTimelineMonth } from './timeline-month.ts';

/** Keeps a TimelineIndexStore up to date with a catalog. */
export interface TimelineIndexer {
  /** Brings stale months up to date, then follows catalog changes. */
  start(): Promise<void>;
  /** Stops following; waits for writes in flight. */
  stop(): Promise<void>;
  /** Resolves when every change seen so far is written. */
  idle(): Promise<void>;
  /** Fires after a month was rewritten (the UI refreshes that month). */
  onMonthWritten(listener: (month: MonthKey) => void): () => void;
}

/**
 * Maintains the timeline index incrementally: a catalog change names the months whose
 * shards changed, and only those months are rebuilt (their shards opened if the catalog is
 * lazy) and rewritten. Each stored month carries the shards' heads, so at start only months whose
 * documents moved on while the peer was off are rebuilt.
 */
export function createTimelineIndexer(opts: {
  catalog: Catalog;
  store: TimelineIndexStore;
  onError?: (e: unknown) => void;
}): TimelineIndexer {
  const { catalog, store } = opts;
  const dirty = new Set<MonthKey>();
  const written = new Listeners<MonthKey>();
  let running: Promise<void> = Promise.resolve();
  let off: (() => void) | undefined;

  async function rebuild(month: MonthKey): Promise<void> {
    // A lazy catalog opens the month's shards for this (and evicts them later).
    await catalog.openMonths([month]);
    const version = catalog.monthVersion(month);
    const assets = catalog.monthAssets(month);
    if (assets.length === 0) await store.delete(month);
    else await store.write(month, encodeTimelineMonth(buildTimelineMonth(month, version, assets)));
    written.emit(month);
  }

  /** Drains dirty months one at a time; changes arriving meanwhile coalesce into the set. */
  function schedule(): Promise<void> {
    running = running.then(async () => {
      while (dirty.size > 0) {
        const [month] = dirty;
        dirty.delete(month!);
        try {
          await rebuild(month!);
        } catch (e) {
          opts.onError?.(e);
        }
      }
    });
    return running;
  }

  async function isCurrent(month: MonthKey): Promise<boolean> {
    try {
      const bytes = await store.read(month);
      // No entry is current for a month whose shards are empty (everything deleted).
      if (bytes === undefined) {
        await catalog.openMonths([month]);
        return catalog.monthAssets(month).length === 0;
      }
      return peekTimelineVersion(bytes, month) === catalog.monthVersion(month);
    } catch {
      return false; // unreadable: rebuild it
    }
  }

  return {
    async start() {
      off = catalog.onChange((c) => {
        if (c.months.length === 0) return;
        for (const m of c.months) dirty.add(m);
        void schedule();
      });
      const known = new Set(catalog.months());
      for (const m of known) if (!(await isCurrent(m))) dirty.add(m);
      // Months indexed earlier whose shards are gone from the catalog.
      for (const m of await store.months()) if (!known.has(m)) dirty.add(m);
      await schedule();
    },
    async stop() {
      off?.();
      off = undefined;
      await running;
    },
    idle: async () => {
      // A change event may land while we wait: loop until nothing is dirty.
      do await running;
      while (dirty.size > 0);
    },
    onMonthWritten: (l) => written.add(l),
  };
}
