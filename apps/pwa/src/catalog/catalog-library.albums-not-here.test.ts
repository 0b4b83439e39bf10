// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { createCatalog, type Catalog, type RootDoc } from '@hearth/sync';
import { createCatalogStorage } from '@hearth/sync/platform';
import { createTestRoot, fakeDeviceId, linkRepos, memoryRepo, waitUntil } from '@hearth/sync/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createCatalogLibrary } from './catalog-library.ts';
import { openIdbMediaCache } from './media-cache.idb.ts';

const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function started(catalog: Catalog, repo: Repo): Promise<Catalog> {
  await catalog.start();
  cleanup.push(async () => {
    await catalog.stop();
    await repo.shutdown();
  });
  return catalog;
}

describe('albums listed but not on this device yet', { timeout: 30_000 }, () => {
  it('are counted by albumsNotHere until their document arrives, then listed', async () => {
    const home = memoryRepo('home');
    const homeRoot = createTestRoot(home);
    cleanup.push(() => home.shutdown());
    // Device B, the PWA's lazy catalog with IndexedDB storage, linked to the home node only.
    const b = new Repo({
      peerId: 'b' as PeerId,
      storage: createCatalogStorage(`albums-not-here-${Date.now()}`),
    });
    const bLink = linkRepos(b, home);
    cleanup.push(() => bLink.disconnect());
    const deviceId = fakeDeviceId(2);
    const catalog = createCatalog({
      repo: b,
      root: await b.find<RootDoc>(homeRoot.url),
      deviceId,
      lazyShards: {},
    });
    await started(catalog, b);
    const lib = createCatalogLibrary({
      catalog,
      media: await openIdbMediaCache('albums-not-here-media'),
      deviceId,
    });
    const changedAlbums = new Set<string>();
    const source = (wake: () => void) =>
      lib.onChange((c) => (c.albums.forEach((id) => changedAlbums.add(id)), wake()));
    await lib.createAlbum('Here');

    // Device A, not connected yet, holds the only copy of album "Trip"; the home root lists it.
    const a = memoryRepo('a');
    const aRoot = createTestRoot(a, 'test-library-000a');
    const ca = await started(createCatalog({ repo: a, root: aRoot, deviceId: fakeDeviceId(1) }), a);
    const trip = await ca.createAlbum('Trip');
    const url = aRoot.doc().albums[trip]!;
    homeRoot.change((r) => void (r.albums[trip] = url));
    await waitUntil(() => catalog.albumIds().includes(trip), [source], 5000, 'the listing on B');

    expect(await lib.albumsNotHere()).toBe(1);
    expect((await lib.listAlbums()).map((x) => x.title)).toEqual(['Here']);

    changedAlbums.clear();
    const aLink = linkRepos(a, home);
    cleanup.push(() => aLink.disconnect());
    // The change may follow the listing's own (it came before the clear): wait for the open too.
    await waitUntil(
      () => changedAlbums.has(trip) && catalog.getAlbum(trip) !== undefined,
      [source],
      5000,
      'the album change on B',
    );
    expect(await lib.albumsNotHere()).toBe(0);
    expect((await lib.listAlbums()).map((x) => x.title).sort()).toEqual(['Here', 'Trip']);
  });
});
