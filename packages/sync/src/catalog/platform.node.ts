/** Node backends of the catalog: Automerge storage in files, the timeline index in files. */
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { closableStorage, type CatalogStorage } from './closable-storage.ts';
import { createFsTimelineIndexStore } from './timeline-index-store.fs.ts';
import type { TimelineIndexStore } from './timeline-index-store.ts';

/**
 * automerge-repo storage for the catalog documents under `dir` (e.g. `<data>/catalog`).
 * Call `close()` after `repo.shutdown()`: later throttled saves are dropped, not written.
 */
export function createCatalogStorage(dir: string): CatalogStorage {
  return closableStorage(new NodeFSStorageAdapter(dir));
}

/** The timeline index as one file per month under `dir` (e.g. `<data>/timeline`). */
export function createTimelineIndexStore(dir: string): TimelineIndexStore {
  return createFsTimelineIndexStore(dir);
}
