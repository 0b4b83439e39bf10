/**
 * Group commit for one IndexedDB object store: writes asked for while a transaction runs go
 * into the next one together. Measured (bench/pwa-blob, 2,000 thumbnails): a transaction per
 * put was most of the store's cost. Each write is atomic (it lands whole or not at all, a
 * crash mid-batch included), writes apply in the order asked, and a batch that fails is
 * retried one write at a time so one bad write does not sink the others.
 */
import { unwrap, type IDBPDatabase } from 'idb';

/**
 * One write: requests on the (plain) store, made synchronously inside the batch's transaction.
 * A failed request aborts the transaction; no per-request promise is left unhandled.
 */
export type StoreWrite = (store: IDBObjectStore) => void;

interface Pending {
  /** resolves to the write once its values are ready (a Blob's bytes read, say) */
  write: Promise<StoreWrite>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface GroupWriter {
  /**
   * Queues a write; resolves once its transaction committed. `write` may be a promise (values
   * still being prepared): its place in the order is kept, later writes wait for it.
   */
  write(write: StoreWrite | Promise<StoreWrite>): Promise<void>;
}

export function createGroupWriter(db: IDBPDatabase, storeName: string): GroupWriter {
  let queue: Pending[] = [];
  let draining = false;

  async function commit(writes: StoreWrite[]): Promise<void> {
    const tx = db.transaction(storeName, 'readwrite');
    const store = unwrap(tx.store);
    try {
      for (const w of writes) w(store);
    } catch (e) {
      // A request refused at once (a value that cannot be cloned): the transaction would
      // still commit the requests made before it, so it is aborted.
      tx.abort();
      await tx.done.catch(() => undefined);
      throw e;
    }
    await tx.done;
  }

  async function drain(): Promise<void> {
    draining = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      // A transaction commits once nothing is pending in it: values are made ready first.
      const ready = await Promise.allSettled(batch.map((p) => p.write));
      const ok: { p: Pending; w: StoreWrite }[] = [];
      ready.forEach((r, i) => {
        const p = batch[i]!;
        if (r.status === 'fulfilled') ok.push({ p, w: r.value });
        else p.reject(r.reason);
      });
      if (ok.length === 0) continue;
      try {
        await commit(ok.map((x) => x.w));
        for (const x of ok) x.p.resolve();
      } catch (e) {
        if (ok.length === 1) ok[0]!.p.reject(e);
        else
          for (const x of ok)
            await commit([x.w]).then(
              () => x.p.resolve(),
              (err: unknown) => x.p.reject(err),
            );
      }
    }
    draining = false;
  }

  return {
    write(write) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ write: Promise.resolve(write), resolve, reject });
        // Started after this task's other writes were queued, so they share the transaction.
        if (!draining) {
          draining = true;
          queueMicrotask(() => void drain());
        }
      });
    },
  };
}
