/**
 * A lazy catalog (the PWA's) opens albums only when asked, so it must tell its listeners when
 * the root lists a new album, and when an album that could not be opened (its document was on
 * no connected peer yet) arrives: the albums page re-reads on album changes only, and missed
 * "Trip" for good in catalog-sync.e2e.ts when B read the list before either had happened.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Repo, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { asAlbumId, randomId, type AlbumId } from '../ids.ts';
import { newAlbum } from './album-edits.ts';
import type { AlbumDoc } from './album-doc.ts';
import type { Catalog } from './catalog.ts';
import { createCatalog } from './create-catalog.ts';
import { createCatalogStorage } from './platform.node.ts';
import type { RootDoc } from './root-doc.ts';
import {
  createTestRoot,
  fakeAssetId,
  fakeDeviceId,
  linkRepos,
  memoryRepo,
  waitUntil,
} from './test-library.ts';

const cleanup: Array<() => Promise<unknown> | void> = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true, maxRetries: 5 })));
});

/** A device's repo with storage in a fresh directory (a catalog is lazy only with storage). */
async function storedRepo(name: string): Promise<Repo> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-albums-'));
  dirs.push(dir);
  const storage = createCatalogStorage(dir);
  const repo = new Repo({ storage, peerId: name as PeerId });
  cleanup.push(() => storage.close());
  return repo;
}

/** A started catalog on `repo` over the root at `url`; lazy as the PWA's is, unless told. */
async function openCatalog(repo: Repo, root: DocHandle<RootDoc>, n: number, lazy = true): Promise<Catalog> {
  const catalog = createCatalog({ repo, root, deviceId: fakeDeviceId(n), ...(lazy && { lazyShards: {} }) });
  await catalog.start();
  cleanup.push(async () => {
    await catalog.stop();
    await repo.shutdown();
  });
  return catalog;
}

/** The album ids `catalog` has reported changed so far, and an event source for waitUntil. */
function albumChanges(catalog: Catalog) {
  const seen = new Set<AlbumId>();
  catalog.onChange((c) => c.albums.forEach((id) => seen.add(id)));
  return { seen, source: (wake: () => void) => catalog.onChange(wake) };
}

describe('albums in a lazy catalog', { timeout: 30_000 }, () => {
  it('another device creates an album: the lazy peer says so, and reads it when asked', async () => {
    const home = memoryRepo('home');
    const homeRoot = createTestRoot(home);
    const a = memoryRepo('a');
    const b = await storedRepo('b');
    const links = [linkRepos(a, home), linkRepos(b, home)];
    cleanup.push(() => links.forEach((l) => l.disconnect()));
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
    cleanup.push(() => bLink.disconnect());
    const bRoot = await b.find<RootDoc>(homeRoot.url);
    const cb = await openCatalog(b, bRoot, 2);
    const changes = albumChanges(cb);
    const rootChanges = (wake: () => void) => {
      bRoot.on('change', wake);
      return () => void bRoot.off('change', wake);
    };

    // The root lists an album whose document only device A, not yet connected, holds.
    const a = memoryRepo('a');
    cleanup.push(() => a.shutdown());
    const id = asAlbumId(randomId());
    const album: DocHandle<AlbumDoc> = a.create<AlbumDoc>(newAlbum(id, 'Trip', fakeDeviceId(1), 1));
    homeRoot.change((r) => void (r.albums[id] = album.url));
    await waitUntil(() => cb.albumIds().includes(id), [rootChanges], 5000, 'the listing on B');
    // Asked now, the home node answers "unavailable": the album cannot be read yet.
    await cb.openAlbums();
    expect(cb.getAlbum(id)).toBeUndefined();

    changes.seen.clear();
    const aLink = linkRepos(a, home);
    cleanup.push(() => aLink.disconnect());
    await waitUntil(
      () => changes.seen.has(id) && cb.getAlbum(id)?.title === 'Trip',
      [changes.source],
      5000,
      'the album on B',
    );
  });
});
