import { InvalidCatalogInputError } from './catalog-errors.ts';
import type { MonthKey } from './shard-key.ts';

/**
 * Where a peer keeps its timeline index: one opaque encoded value per month. Backends:
 * files on Node (timeline-index-store.fs.ts), IndexedDB in the browser
 * (timeline-index-store.idb.ts), memory for tests. A write replaces the month atomically:
 * a reader sees the old value or the new one, never a mix.
 */
export interface TimelineIndexStore {
  /** months that have an index, newest first */
  months(): Promise<MonthKey[]>;
  read(month: MonthKey): Promise<Uint8Array | undefined>;
  write(month: MonthKey, bytes: Uint8Array): Promise<void>;
  delete(month: MonthKey): Promise<void>;
  /** releases files/handles; the store is unusable afterwards */
  close(): Promise<void>;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Backends call this on every key: month keys become file names, so nothing else may pass. */
export function checkMonthKey(month: string): MonthKey {
  if (!MONTH.test(month))
    throw new InvalidCatalogInputError(`not a month key (YYYY-MM): ${JSON.stringify(month.slice(0, 40))}`);
  return month;
}

export const newestFirst = (months: Iterable<MonthKey>): MonthKey[] => [...months].sort().reverse();
