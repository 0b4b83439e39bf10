/**
 * A lazy catalog (the PWA's) opens albums only when asked, so it must tell its listeners when
 * the root lists a new album, and when an album that could not be opened (its document was on
 * no connected peer yet) arrives: the albums page re-reads on album changes only, and missed
 * "Trip" for good in catalog-sync.e2e.ts when B read the list before either had happened.
 */
import { type DocHandle } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import { asAlbumId, randomId } from '../ids.ts';
import { newAlbum } from './album-edits.ts';
import type { AlbumDoc } from './album-doc.ts';
import { albumChanges, lazyAlbumHarness } from './album-lazy-harness.node.ts';
import type { RootDoc } from './root-doc.ts';
import {
  createTestRoot,
  fakeAssetId,
  fakeDeviceId,
  linkRepos,
  memoryRepo,
  waitUntil,
} from './test-library.ts';

const { cleanup, storedRepo, openCatalog } = lazyAlbumHarness();

describe('albums in a lazy catalog', { timeout: 30_000 }, () => {
  it('another device creates an album: the lazy peer says so, and reads it when asked', async () => {
    const home = memoryRepo('home');
    const homeRoot = createTestRoot(home);
    const a = memoryRepo('a');
    const b = await storedRepo('b');
    const links = [linkRepos(a, home), linkRepos(b, home)];
    cleanup(() => links.forEach((l) => l.disconnect()));
    const ca = await openCatalog(a, await a.find<RootDoc>(homeRoot.url), 1, false);
    const cb = await openCatalog(b, await b.find<RootDoc>(homeRoot.url), 2);
    const changes = albumChanges(cb);

    const trip = await ca.createAlbum('Trip');
    ca.addToAlbum(trip, [fakeAssetId(1)]);
    await waitUntil(() => changes.seen.has(trip), [changes.source], 5000, 'an album change on B');
    await cb.openAlbums();
    expect(cb.listAlbums().map((x) => x.title)).toEqual(['Trip']);
  });

  it('an album whose document was on no connected peer opens, and says so, once it arrives', async () => {
    const home = memoryRepo('home');
    const homeRoot = createTestRoot(home);
    const b = await storedRepo('b');
    const bLink = linkRepos(b, home);
    cleanup(() => bLink.disconnect());
    const bRoot = await b.find<RootDoc>(homeRoot.url);
    const cb = await openCatalog(b, bRoot, 2);
    const changes = albumChanges(cb);
    const rootChanges = (wake: () => void) => {
      bRoot.on('change', wake);
      return () => void bRoot.off('change', wake);
    };

    // The root lists an album whose document only device A, not yet connected, holds.
    const a = memoryRepo('a');
    cleanup(() => a.shutdown());
    const id = asAlbumId(randomId());
    const album: DocHandle<AlbumDoc> = a.create<AlbumDoc>(newAlbum(id, 'Trip', fakeDeviceId(1), 1));
    homeRoot.change((r) => void (r.albums[id] = album.url));
    await waitUntil(() => cb.albumIds().includes(id), [rootChanges], 5000, 'the listing on B');
    // Asked now, the home node answers "unavailable": the album cannot be read yet.
    await cb.openAlbums();
    expect(cb.getAlbum(id)).toBeUndefined();

    changes.seen.clear();
    const aLink = linkRepos(a, home);
    cleanup(() => aLink.disconnect());
    await waitUntil(
      () => changes.seen.has(id) && cb.getAlbum(id)?.title === 'Trip',
      [changes.source],
      5000,
      'the album on B',
    );
  });
});
