/** Browser backends of the catalog: Automerge storage and the timeline index in IndexedDB. */
import type { StorageAdapterInterface } from '@automerge/automerge-repo';
import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb';
import { createIdbTimelineIndexStore } from './timeline-index-store.idb.ts';
import type { TimelineIndexStore } from './timeline-index-store.ts';

/** automerge-repo storage for the catalog documents in the IndexedDB database `dbName`. */
export function createCatalogStorage(dbName: string): StorageAdapterInterface {
  return new IndexedDBStorageAdapter(dbName);
}

/** The timeline index in the IndexedDB database `dbName` (separate from the documents). */
export function createTimelineIndexStore(dbName: string): TimelineIndexStore {
  return createIdbTimelineIndexStore(dbName);
}
