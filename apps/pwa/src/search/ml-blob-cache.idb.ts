/**
 * The month blobs of machine results (tags + OCR text, CLIP shards) this device holds, by
 * hash, in IndexedDB: fetched once from the home node (hash-checked), then searched offline.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { LibraryStorageError } from '../library/library-errors.ts';

export interface MlBlobCache {
  get(hash: string): Promise<Uint8Array | undefined>;
  put(hash: string, bytes: Uint8Array): Promise<void>;
  /** drops every blob not in `keep` (month blobs replaced by newer ones) */
  retain(keep: ReadonlySet<string>): Promise<void>;
  close(): void;
}

export async function openIdbMlBlobCache(dbName: string): Promise<MlBlobCache> {
  let db: IDBPDatabase;
  try {
    db = await openDB(dbName, 1, {
      upgrade(d) {
        d.createObjectStore('blobs');
      },
    });
  } catch (e) {
    throw new LibraryStorageError(`open the ML blob cache ${dbName}`, e);
  }
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
    close: () => db.close(),
  };
}

/** The same in memory (tests, and a device without IndexedDB). */
export function createMemoryMlBlobCache(): MlBlobCache {
  const m = new Map<string, Uint8Array>();
  return {
    get: async (h) => m.get(h),
    put: async (h, b) => void m.set(h, b),
    retain: async (keep) => {
      for (const k of [...m.keys()]) if (!keep.has(k)) m.delete(k);
    },
    close: () => {},
  };
}
