import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { openStores } from '../library/open-stores.idb.ts';
import { createMemoryMlBlobCache, openIdbMlBlobCache, type MlBlobCache } from './ml-blob-cache.idb.ts';

let n = 0;
const bytes = (v: number) => new Uint8Array([v, v, v]);

async function monthRecordContract(cache: MlBlobCache) {
  await cache.put('h1', bytes(1));
  await cache.put('h2', bytes(2));
  expect(await cache.monthHashes()).toEqual(new Map());
  await cache.setMonthHashes(new Map([['2024-07', 'h1']]));
  await cache.setMonthHashes(
    new Map([
      ['2024-07', 'h2'],
      ['2024-08', 'h1'],
    ]),
  );
  await cache.setMonthHashes(new Map([['2024-08', 'h1']])); // replaces the whole record
  // Dropping blobs leaves the record alone (the reader keeps the hashes it records).
  await cache.retain(new Set(['h1']));
  expect(await cache.get('h2')).toBeUndefined();
  expect(await cache.get('h1')).toEqual(bytes(1));
  expect(await cache.monthHashes()).toEqual(new Map([['2024-08', 'h1']]));
}

describe('ML blob cache', () => {
  it('keeps a month → blob record beside the blobs (IndexedDB), not among them', async () => {
    const name = `ml-blobs-${n++}`;
    const cache = await openIdbMlBlobCache(name);
    await monthRecordContract(cache);
    cache.close();
    const db = await openDB(name);
    expect(await db.getAllKeys('blobs')).toEqual(['h1']);
    db.close();
    const again = await openIdbMlBlobCache(name);
    expect(await again.monthHashes()).toEqual(new Map([['2024-08', 'h1']]));
    again.close();
  });

  it('the same in memory', async () => {
    await monthRecordContract(createMemoryMlBlobCache());
  });

  it('a version 1 cache (blobs only) is upgraded with its blobs kept', async () => {
    const name = `ml-blobs-${n++}`;
    const v1 = await openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore('blobs');
      },
    });
    await v1.put('blobs', bytes(7), 'old');
    v1.close();
    const cache = await openIdbMlBlobCache(name);
    expect(await cache.get('old')).toEqual(bytes(7));
    expect(await cache.monthHashes()).toEqual(new Map());
    await cache.setMonthHashes(new Map([['2024-07', 'old']]));
    expect(await cache.monthHashes()).toEqual(new Map([['2024-07', 'old']]));
    cache.close();
  });

  it('a database the browser will not open is a LibraryStorageError', async () => {
    const name = `ml-blobs-${n++}`;
    (await openIdbMlBlobCache(name)).close();
    // An older version of the app (version 1) meets the upgraded database: a VersionError.
    await expect(openStores(name, 1, ['blobs'], `the ML blob cache ${name}`)).rejects.toMatchObject({
      code: 'LIBRARY_STORAGE',
      message: expect.stringContaining(`open the ML blob cache ${name}`) as unknown as string,
    });
  });
});
