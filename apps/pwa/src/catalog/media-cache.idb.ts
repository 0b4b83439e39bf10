/**
 * MediaCache in IndexedDB (one record per asset and kind; a thumbnail is a few KB), and beside
 * it under `<asset>/<kind>#` the hash of the blob those bytes are.
 */
import { openDB, type IDBPDatabase } from 'idb';
import type { MediaKind } from '../library/library-client.ts';
import { LibraryStorageError } from '../library/library-errors.ts';
import type { MediaCache } from './media-cache.ts';

const KINDS: readonly MediaKind[] = ['thumbnail', 'preview', 'original', 'motion'];

export async function openIdbMediaCache(dbName: string): Promise<MediaCache> {
  let db: IDBPDatabase;
  try {
    db = await openDB(dbName, 1, {
      upgrade(d) {
        d.createObjectStore('media');
      },
    });
  } catch (e) {
    throw new LibraryStorageError(`open the media cache ${dbName}`, e);
  }
  return {
    async get(asset, kind) {
      return (await db.get('media', `${asset}/${kind}`)) as Blob | undefined;
    },
    async put(asset, kind, bytes, hash) {
      try {
        const tx = db.transaction('media', 'readwrite');
        await Promise.all([
          tx.store.put(bytes, `${asset}/${kind}`),
          hash === undefined ? tx.store.delete(`${asset}/${kind}#`) : tx.store.put(hash, `${asset}/${kind}#`),
          tx.done,
        ]);
      } catch (e) {
        throw new LibraryStorageError(`store the ${kind} of ${asset.slice(0, 12)}…`, e);
      }
    },
    async hashOf(asset, kind) {
      const h: unknown = await db.get('media', `${asset}/${kind}#`);
      return typeof h === 'string' ? h : undefined;
    },
    async delete(asset) {
      const tx = db.transaction('media', 'readwrite');
      const keys = KINDS.flatMap((k) => [`${asset}/${k}`, `${asset}/${k}#`]);
      await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
    },
    async remove(asset, kind) {
      const tx = db.transaction('media', 'readwrite');
      await Promise.all([tx.store.delete(`${asset}/${kind}`), tx.store.delete(`${asset}/${kind}#`), tx.done]);
    },
    async held(kind) {
      // Keys first (strings only); then one read per match — a Blob read is a handle, not bytes.
      const suffix = `/${kind}`;
      const keys = (await db.getAllKeys('media')).filter(
        (k): k is string => typeof k === 'string' && k.endsWith(suffix),
      );
      const out: { asset: string; size: number }[] = [];
      for (const k of keys) {
        const b = (await db.get('media', k)) as Blob | undefined;
        if (b) out.push({ asset: k.slice(0, -suffix.length), size: b.size });
      }
      return out;
    },
    close: () => db.close(),
  };
}
