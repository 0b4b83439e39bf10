/**
 * How many rows each month of a paired device's timeline index has, in a small IndexedDB
 * database of its own (`hearth-timeline-summary-<libraryId>`): the page sizes the whole
 * timeline and its scrubber from this one read, without reading any month's rows. The peer
 * worker writes it right after each month of the index is rewritten.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { MonthSummary } from '../library/timeline-item.ts';

const STORE = 'months';

/** See the file comment. */
export interface TimelineSummaries {
  /** months with rows, newest first */
  all(): Promise<MonthSummary[]>;
  /** the month's row count; 0 removes it */
  set(month: string, count: number): Promise<void>;
  months(): Promise<string[]>;
  close(): void;
}

export const timelineSummaryDbName = (libraryId: string) => `hearth-timeline-summary-${libraryId}`;

export function openTimelineSummaries(dbName: string): TimelineSummaries {
  let db: Promise<IDBPDatabase> | undefined;
  const open = () =>
    (db ??= openDB(dbName, 1, {
      upgrade: (d) => void (d.objectStoreNames.contains(STORE) || d.createObjectStore(STORE)),
    }));
  return {
    async all() {
      const d = await open();
      const tx = d.transaction(STORE);
      const [keys, counts] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
      const out: MonthSummary[] = [];
      keys.forEach((k, i) => {
        const count = counts[i] as unknown;
        if (typeof k === 'string' && typeof count === 'number' && count > 0) out.push({ month: k, count });
      });
      return out.sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0));
    },
    async set(month, count) {
      const d = await open();
      if (count > 0) await d.put(STORE, count, month);
      else await d.delete(STORE, month);
    },
    async months() {
      return (await (await open()).getAllKeys(STORE)).map(String);
    },
    close() {
      void db?.then((d) => d.close());
      db = undefined;
    },
  };
}
