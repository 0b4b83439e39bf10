// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { Repo } from '@automerge/automerge-repo';
import { createCatalog, type DeviceId } from '@hearth/sync';
import { createCatalogStorage } from '@hearth/sync/platform';
import { createTestRoot, fakeDeviceId } from '@hearth/sync/testing';
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
