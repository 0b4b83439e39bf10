import { openDB, type IDBPDatabase } from 'idb';
import { checkMonthKey, newestFirst, type TimelineIndexStore } from './timeline-index-store.ts';

const STORE = 'months';

/**
 * TimelineIndexStore in an IndexedDB database (`dbName`), one value per month. Each write is
 * one put in its own transaction, which IndexedDB applies atomically.
 */
export function createIdbTimelineIndexStore(dbName: string): TimelineIndexStore {
  let db: Promise<IDBPDatabase> | undefined;
  const open = () =>
    (db ??= openDB(dbName, 1, {
      upgrade: (d) => void (d.objectStoreNames.contains(STORE) || d.createObjectStore(STORE)),
    }));

  return {
    async months() {
      const keys = await (await open()).getAllKeys(STORE);
      return newestFirst(keys.map(String));
    },
    async read(m) {
      const v: unknown = await (await open()).get(STORE, checkMonthKey(m));
      return v instanceof Uint8Array ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : undefined;
    },
    async write(m, bytes) {
      await (await open()).put(STORE, bytes.slice(), checkMonthKey(m));
    },
    async delete(m) {
      await (await open()).delete(STORE, checkMonthKey(m));
    },
    async close() {
      if (db) (await db).close();
      db = undefined;
    },
  };
}
