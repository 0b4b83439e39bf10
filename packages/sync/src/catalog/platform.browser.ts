/** Browser backends of the catalog: Automerge storage and the timeline index in IndexedDB. */
import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb';
import { closableStorage, type CatalogStorage } from './closable-storage.ts';
import { createIdbTimelineIndexStore } from './timeline-index-store.idb.ts';
import type { TimelineIndexStore } from './timeline-index-store.ts';

/**
 * automerge-repo storage for the catalog documents in the IndexedDB database `dbName`.
 * Call `close()` after `repo.shutdown()`: later throttled saves are dropped, not written.
 */
export function createCatalogStorage(dbName: string): CatalogStorage {
  return closableStorage(new IndexedDBStorageAdapter(dbName));
}

/** The timeline index in the IndexedDB database `dbName` (separate from the documents). */
export function createTimelineIndexStore(dbName: string): TimelineIndexStore {
  return createIdbTimelineIndexStore(dbName);
}
