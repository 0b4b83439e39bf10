/** Catalog storage that can be closed once its repo has shut down. */
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';

/**
 * automerge-repo storage with a `close()` for the owner's stop path.
 *
 * automerge-repo throttles document and sync-state saves on timers, and `repo.shutdown()`
 * neither cancels nor awaits them: a save can fire after it resolves, into a data dir that
 * is being removed or a database being closed (an unhandled rejection that fails a whole
 * test run, or files written again after a removal). Call `close()` after
 * `repo.shutdown()`: it waits for writes already running, and drops every later save and
 * remove. `shutdown()` has flushed every document by then, so nothing is lost; a dropped
 * sync state only costs a longer first sync next time. Reads still pass through.
 */
export interface CatalogStorage extends StorageAdapterInterface {
  /** Waits for running writes, then drops later ones. Idempotent. */
  close(): Promise<void>;
  /** True once `close()` was called. */
  readonly closed: boolean;
}

/** Wraps `inner` so that writes issued after `close()` never reach it. */
export function closableStorage(inner: StorageAdapterInterface): CatalogStorage {
  let closed = false;
  const running = new Set<Promise<unknown>>();

  function write(op: () => Promise<void>): Promise<void> {
    if (closed) return Promise.resolve();
    const p = op();
    running.add(p);
    // Settled either way: the caller still sees the rejection, `close()` only waits.
    const forget = () => void running.delete(p);
    p.then(forget, forget);
    return p;
  }

  return {
    get closed() {
      return closed;
    },
    load: (key: StorageKey) => inner.load(key),
    loadRange: (prefix: StorageKey): Promise<Chunk[]> => inner.loadRange(prefix),
    save: (key: StorageKey, data: Uint8Array) => write(() => inner.save(key, data)),
    remove: (key: StorageKey) => write(() => inner.remove(key)),
    removeRange: (prefix: StorageKey) => write(() => inner.removeRange(prefix)),
    async close() {
      closed = true;
      await Promise.allSettled([...running]);
    },
  };
}
