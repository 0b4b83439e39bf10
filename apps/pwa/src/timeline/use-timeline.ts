/**
 * The timeline's data: month summaries (read first, they size everything), rows of the
 * months near the viewport (read on demand), refreshed on library changes.
 */
import { createSignal, onCleanup } from 'solid-js';
import type { LibraryClient } from '../library/library-client.ts';
import type { MonthSummary, TimelineItem } from '../library/timeline-item.ts';
import { matchesFilter, type TimelineFilter } from './timeline-filter.ts';

/** What useTimeline hands the view. */
export interface TimelineData {
  months: () => MonthSummary[];
  loaded: () => ReadonlyMap<string, readonly TimelineItem[]>;
  /** bumps whenever a month's rows were replaced (layout caches key on it) */
  changedMonths: () => ReadonlySet<string>;
  ready: () => boolean;
  load(month: string): void;
}

/** `beforeApply` runs just before a month's rows replace the old ones (scroll anchoring). */
export function useTimeline(
  lib: LibraryClient,
  filter: TimelineFilter,
  beforeApply?: (month: string) => void,
): TimelineData {
  const [months, setMonths] = createSignal<MonthSummary[]>([]);
  const [loaded, setLoaded] = createSignal<Map<string, TimelineItem[]>>(new Map(), { equals: false });
  const [changed, setChanged] = createSignal<Set<string>>(new Set(), { equals: false });
  const [ready, setReady] = createSignal(false);
  const inflight = new Set<string>();
  // Months that changed while their read was in flight: that read may be stale, so read again.
  const stale = new Set<string>();
  let disposed = false;

  async function fetchMonth(month: string): Promise<void> {
    inflight.add(month);
    try {
      const rows = (await lib.monthItems(month)).filter((i) => matchesFilter(i, filter));
      if (disposed) return;
      beforeApply?.(month);
      setChanged((s) => (s.add(month), s));
      setLoaded((m) => (m.set(month, rows), m));
    } finally {
      inflight.delete(month);
      if (stale.delete(month) && !disposed) void fetchMonth(month);
    }
  }

  function load(month: string): void {
    if (inflight.has(month) || loaded().has(month)) return;
    void fetchMonth(month);
  }

  async function refreshSummaries(): Promise<void> {
    const list = await lib.months();
    if (disposed) return;
    setMonths(list);
    setReady(true);
    // Small views (favorites, archive, trash) read everything: estimates from unfiltered
    // counts would be far off for them.
    if (filter !== 'timeline') for (const m of list) load(m.month);
  }

  const off = lib.onChange((change) => {
    void refreshSummaries();
    for (const m of change.months)
      if (inflight.has(m)) stale.add(m);
      else if (loaded().has(m)) void fetchMonth(m);
  });
  onCleanup(() => {
    disposed = true;
    off();
  });
  void refreshSummaries();

  return { months, loaded, changedMonths: changed, ready, load };
}
