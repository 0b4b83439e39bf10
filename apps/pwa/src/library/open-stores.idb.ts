/**
 * Opening one of the PWA's small IndexedDB databases of plain key → value object stores (the
 * media cache, the ML blob caches, the device settings).
 */
import { openDB, type IDBPDatabase } from 'idb';
import { LibraryStorageError } from './library-errors.ts';

/**
 * Opens `dbName` at `version`, making every store of `stores` it does not have yet: a version
 * that adds a store keeps the stores before it and what they hold (existing users' data
 * survives the upgrade). A database the browser will not open is a `LibraryStorageError`
 * saying it could not open `what`.
 */
export async function openStores(
  dbName: string,
  version: number,
  stores: readonly string[],
  what: string,
): Promise<IDBPDatabase> {
  try {
    return await openDB(dbName, version, {
      upgrade(d) {
        for (const s of stores) if (!d.objectStoreNames.contains(s)) d.createObjectStore(s);
      },
    });
  } catch (e) {
    throw new LibraryStorageError(`open ${what}`, e);
  }
}
