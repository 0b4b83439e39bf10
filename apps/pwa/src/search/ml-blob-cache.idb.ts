/**
 * The month blobs of machine results (tags + OCR text, CLIP shards) this device holds, by
 * hash, in IndexedDB: fetched once from the home node (hash-checked), then searched offline.
 * Beside the blobs (store `blobs`, only blobs: the e2e counts them), a reader records which
 * blob it last used for each month (store `months`, added in version 2), so a month whose
 * newer blob could not be fetched before going offline still answers with the one before,
 * also after a reload.
 */
import { LibraryStorageError } from '../library/library-errors.ts';
import { openStores } from '../library/open-stores.idb.ts';

export interface MlBlobCache {
  get(hash: string): Promise<Uint8Array | undefined>;
  put(hash: string, bytes: Uint8Array): Promise<void>;
  /** drops every blob not in `keep` (month blobs replaced by newer ones); the month record stays */
  retain(keep: ReadonlySet<string>): Promise<void>;
  /** month → the blob hash last used for that month, as recorded by `setMonthHashes` */
  monthHashes(): Promise<Map<string, string>>;
  /** replaces the whole month record */
  setMonthHashes(months: ReadonlyMap<string, string>): Promise<void>;
  close(): void;
}

/** Version 2 added the `months` store; version 1's blobs are kept. */
const VERSION = 2;

export async function openIdbMlBlobCache(dbName: string): Promise<MlBlobCache> {
  const db = await openStores(dbName, VERSION, ['blobs', 'months'], `the ML blob cache ${dbName}`);
  return {
    async get(hash) {
      return (await db.get('blobs', hash)) as Uint8Array | undefined;
    },
    async put(hash, bytes) {
      try {
        await db.put('blobs', bytes, hash);
      } catch (e) {
        throw new LibraryStorageError(`store the ML blob ${hash.slice(0, 12)}…`, e);
      }
    },
    async retain(keep) {
      for (const k of await db.getAllKeys('blobs')) if (!keep.has(String(k))) await db.delete('blobs', k);
    },
    async monthHashes() {
      const tx = db.transaction('months');
      const [keys, hashes] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
      const out = new Map<string, string>();
      keys.forEach((k, i) => {
        const h = hashes[i] as unknown;
        if (typeof k === 'string' && typeof h === 'string') out.set(k, h);
      });
      return out;
    },
    async setMonthHashes(months) {
      try {
        const tx = db.transaction('months', 'readwrite');
        // One transaction: a reader never sees half a record.
        await Promise.all([tx.store.clear(), ...[...months].map(([m, h]) => tx.store.put(h, m)), tx.done]);
      } catch (e) {
        throw new LibraryStorageError('record the ML blobs of each month', e);
      }
    },
    close: () => db.close(),
  };
}

/** The same in memory (tests, and a device without IndexedDB). */
export function createMemoryMlBlobCache(): MlBlobCache {
  const m = new Map<string, Uint8Array>();
  let months = new Map<string, string>();
  return {
    get: async (h) => m.get(h),
    put: async (h, b) => void m.set(h, b),
    retain: async (keep) => {
      for (const k of [...m.keys()]) if (!keep.has(k)) m.delete(k);
    },
    monthHashes: async () => new Map(months),
    setMonthHashes: async (next) => void (months = new Map(next)),
    close: () => {},
  };
}
