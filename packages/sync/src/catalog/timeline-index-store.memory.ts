import { checkMonthKey, newestFirst, type TimelineIndexStore } from './timeline-index-store.ts';

/** An in-memory TimelineIndexStore (tests, and peers that keep no index on disk). */
export function createMemoryTimelineIndexStore(): TimelineIndexStore {
  const months = new Map<string, Uint8Array>();
  return {
    months: async () => newestFirst(months.keys()),
    read: async (m) => {
      const v = months.get(checkMonthKey(m));
      return v ? v.slice() : undefined;
    },
    write: async (m, bytes) => void months.set(checkMonthKey(m), bytes.slice()),
    delete: async (m) => void months.delete(checkMonthKey(m)),
    close: async () => months.clear(),
  };
}
