// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { runLibraryClientContract } from './library-client.contract.ts';
import { createLocalLibrary } from './local-library.idb.ts';

let n = 0;
runLibraryClientContract('local IndexedDB replica (fake-indexeddb)', async () => ({
  client: createLocalLibrary({ dbName: `contract-${n++}` }),
  teardown: async () => {},
}));

describe('local library persistence', () => {
  it('keeps assets and albums across stop/start (a reload)', async () => {
    const a = createLocalLibrary({ dbName: 'persist' });
    await a.start();
    await a.addAssets([
      {
        id: 'f'.repeat(64),
        type: 'video',
        mime: 'video/mp4',
        size: 10,
        capturedAt: Date.UTC(2020, 4, 1),
        width: 1920,
        height: 1080,
      },
    ]);
    const album = await a.createAlbum('Trip');
    await a.stop();
    const b = createLocalLibrary({ dbName: 'persist' });
    await b.start();
    expect(await b.months()).toEqual([{ month: '2020-05', count: 1 }]);
    expect((await b.getAlbum(album))?.title).toBe('Trip');
    expect((await b.monthItems('2020-05'))[0]!.flags).toBe(8);
    await b.stop();
  });

  it('tells another tab of the same library about changes', async () => {
    const a = createLocalLibrary({ dbName: 'tabs' });
    const b = createLocalLibrary({ dbName: 'tabs' });
    await a.start();
    await b.start();
    const heard = new Promise<string[]>((resolve) => b.onChange((c) => resolve(c.albums)));
    const id = await a.createAlbum('Shared');
    await expect(heard).resolves.toEqual([id]);
    await a.stop();
    await b.stop();
  });

  // 23:30 on 31 December 2024 at UTC−5 is 04:30 UTC on 1 January 2025.
  const newYearsEve = {
    id: 'e'.repeat(64),
    type: 'image' as const,
    mime: 'image/jpeg',
    size: 10,
    capturedAt: Date.UTC(2025, 0, 1, 4, 30),
    tzOffsetMin: -300,
    width: 400,
    height: 300,
  };

  it("lists a photo under the camera's local month, not the UTC one", async () => {
    const lib = createLocalLibrary({ dbName: 'local-month' });
    await lib.start();
    await lib.addAssets([newYearsEve]);
    expect(await lib.months()).toEqual([{ month: '2024-12', count: 1 }]);
    expect((await lib.monthItems('2024-12')).map((r) => r.id)).toEqual([newYearsEve.id]);
    // Edits and deletes find the row in the same month.
    await lib.setFavorite([newYearsEve.id], true);
    expect((await lib.monthItems('2024-12'))[0]!.flags).toBe(1);
    await lib.deletePermanently([newYearsEve.id]);
    expect(await lib.months()).toEqual([]);
    await lib.stop();
  });

  it("keeps an import's place name and dHash across a reload, as the node records them", async () => {
    const a = createLocalLibrary({ dbName: 'place-phash' });
    await a.start();
    const gps = { lat: 41.2203, lon: -96.0716 };
    const place = 'Omaha, NE, United States';
    await a.addAssets([{ ...newYearsEve, gps, place, phash: '0f0f0f0f0f0f0f0f' }]);
    await a.stop();
    const b = createLocalLibrary({ dbName: 'place-phash' });
    await b.start();
    expect(await b.getAsset(newYearsEve.id)).toMatchObject({ gps, place, phash: '0f0f0f0f0f0f0f0f' });
    await b.stop();
  });

  it('a version 1 database (UTC months) is filed again by local month when opened', async () => {
    const { id, capturedAt } = newYearsEve;
    const asset = { ...newYearsEve, ratio: 4 / 3, favorite: false, archived: false, rating: 0 };
    const old = await openDB('v1-months', 1, {
      upgrade(d) {
        d.createObjectStore('summaries', { keyPath: 'month' });
        d.createObjectStore('months', { keyPath: 'month' });
        d.createObjectStore('assets', { keyPath: 'id' });
        d.createObjectStore('albums', { keyPath: 'id' });
        d.createObjectStore('blobs');
      },
    });
    await old.put('assets', { ...asset, description: '', tags: [], backedUp: false });
    await old.put('months', { month: '2025-01', items: [{ id, capturedAt, ratio: 4 / 3, flags: 0 }] });
    await old.put('summaries', { month: '2025-01', count: 1 });
    old.close();
    const lib = createLocalLibrary({ dbName: 'v1-months' });
    await lib.start();
    expect(await lib.months()).toEqual([{ month: '2024-12', count: 1 }]);
    expect(await lib.monthItems('2025-01')).toEqual([]);
    expect((await lib.monthItems('2024-12')).map((r) => r.id)).toEqual([id]);
    await lib.stop();
  });
});
