// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { Repo } from '@automerge/automerge-repo';
import { createCatalog, type AssetId, type DeviceId } from '@hearth/sync';
import { describe, expect, it } from 'vitest';
import { createCatalogStorage } from '@hearth/sync/platform';
import { createTestRoot, fakeDeviceId } from '@hearth/sync/testing';
import type { LibraryChange } from '../library/library-client.ts';
import { runLibraryClientContract } from '../library/library-client.contract.ts';
import { createCatalogLibrary } from './catalog-library.ts';
import { openIdbMediaCache } from './media-cache.idb.ts';

let n = 0;
runLibraryClientContract('synced catalog (automerge-repo in memory, fake-indexeddb media)', async () => {
  const repo = new Repo({ network: [] });
  const deviceId: DeviceId = fakeDeviceId(1);
  const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId });
  const media = await openIdbMediaCache(`catalog-media-${n++}`);
  return {
    client: createCatalogLibrary({ catalog, media, deviceId }),
    teardown: () => repo.shutdown(),
  };
});

// The worker's catalog is lazy (shards open on demand and idle ones are evicted): the adapter
// opens what each call reads. Storage is IndexedDB (fake-indexeddb), as in the browser.
runLibraryClientContract('lazy synced catalog (IndexedDB storage, 2 shards open at most)', async () => {
  const repo = new Repo({ network: [], storage: createCatalogStorage(`lazy-catalog-${n}`) });
  const deviceId: DeviceId = fakeDeviceId(1);
  const catalog = createCatalog({
    repo,
    root: createTestRoot(repo),
    deviceId,
    lazyShards: { maxOpen: 2, idleMs: 50 },
  });
  const media = await openIdbMediaCache(`lazy-catalog-media-${n++}`);
  return {
    client: createCatalogLibrary({ catalog, media, deviceId }),
    teardown: () => repo.shutdown(),
  };
});

describe('Live Photo in the timeline', () => {
  it('shows the still once; its video part stays in the catalog, reached from the still', async () => {
    const repo = new Repo({ network: [] });
    const deviceId: DeviceId = fakeDeviceId(1);
    const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId });
    const media = await openIdbMediaCache(`catalog-live-${n++}`);
    const lib = createCatalogLibrary({ catalog, media, deviceId });
    const still = 'a'.repeat(64) as AssetId;
    const motion = 'b'.repeat(64) as AssetId;
    const t = Date.UTC(2024, 5, 1);
    const base = { size: 10, capturedAt: t, width: 4, height: 3 };
    await catalog.addAssets([
      { ...base, id: still, type: 'image', mime: 'image/heic', livePhotoPair: motion },
      { ...base, id: motion, type: 'video', mime: 'video/quicktime', livePhotoPair: still },
    ]);
    const months = await lib.months();
    expect(months.map((m) => m.count)).toEqual([1]);
    const items = await lib.monthItems(months[0]!.month);
    expect(items.map((i) => i.id)).toEqual([still]);
    expect((await lib.getAsset(still))?.livePhotoVideo).toBe(motion);
    expect(catalog.getAsset(motion)).toBeDefined();
    await repo.shutdown();
  });
});

describe('media reachable again', () => {
  it('a home node connecting reaches listeners as a `media` change, until they unsubscribe', async () => {
    const repo = new Repo({ network: [] });
    const deviceId: DeviceId = fakeDeviceId(1);
    const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId });
    const media = await openIdbMediaCache(`catalog-reach-${n++}`);
    const connected = new Set<() => void>();
    const lib = createCatalogLibrary({
      catalog,
      media,
      deviceId,
      onMediaReachable: (l) => (connected.add(l), () => void connected.delete(l)),
    });
    const changes: LibraryChange[] = [];
    const off = lib.onChange((c) => changes.push(c));
    for (const l of connected) l();
    expect(changes).toEqual([{ assets: [], albums: [], months: [], media: true }]);
    off();
    expect(connected.size).toBe(0);
    await repo.shutdown();
  });
});
