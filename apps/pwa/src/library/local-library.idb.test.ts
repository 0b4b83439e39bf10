// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
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
});
