/**
 * What the search index read from the catalog, kept per month in IndexedDB
 * (`hearth-search-<libraryId>`) with the catalog's version stamp of that month. A worker that
 * starts again (a reload) takes every month whose stamp has not moved from here instead of
 * reading its assets through the catalog, which in a lazy catalog means opening its shards
 * (tens of ms each, 228 months at 100,000 assets).
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { AssetDetails } from '../library/library-client.ts';

const STORE = 'months';

/** See the file comment. */
export interface SearchCache {
  /** the catalog's version stamp of a month now (undefined: unknown, do not cache) */
  version(month: string): string | undefined;
  /** the month's assets as read at `version`, or undefined when not cached at that version */
  get(month: string, version: string): Promise<AssetDetails[] | undefined>;
  set(month: string, version: string, assets: readonly AssetDetails[]): Promise<void>;
  close(): void;
}

export function openIdbSearchCache(
  dbName: string,
  version: (month: string) => string | undefined,
): SearchCache {
  let db: Promise<IDBPDatabase> | undefined;
  const open = () =>
    (db ??= openDB(dbName, 1, {
      upgrade: (d) => void (d.objectStoreNames.contains(STORE) || d.createObjectStore(STORE)),
    }));
  return {
    version,
    async get(month, v) {
      const hit = (await (await open()).get(STORE, month)) as
        { version?: unknown; assets?: unknown } | undefined;
      return hit?.version === v && Array.isArray(hit.assets) ? (hit.assets as AssetDetails[]) : undefined;
    },
    async set(month, v, assets) {
      await (await open()).put(STORE, { version: v, assets }, month);
    },
    close() {
      void db?.then((d) => d.close());
      db = undefined;
    },
  };
}
