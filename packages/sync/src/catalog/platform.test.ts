import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Repo } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import * as browser from './platform.browser.ts';
import * as node from './platform.node.ts';
import { createCatalog } from './create-catalog.ts';
import type { RootDoc } from './root-doc.ts';
import { createTestRoot, fakeAssetId, fakeDeviceId, sampleAsset } from './test-library.ts';

describe('catalog storage backends', () => {
  for (const [name, make, storage] of [
    [
      'nodefs',
      async () => {
        const d = await mkdtemp(join(tmpdir(), 'hearth-cat-'));
        return { arg: d, done: () => rm(d, { recursive: true, force: true }) };
      },
      node.createCatalogStorage,
    ],
    [
      'indexeddb',
      async () => ({ arg: `hearth-cat-${Math.random()}`, done: async () => {} }),
      browser.createCatalogStorage,
    ],
  ] as const) {
    it(`${name}: a catalog written, closed and reopened keeps its assets, shards and albums`, async () => {
      const { arg, done } = await make();
      try {
        const repo1 = new Repo({ storage: storage(arg) });
        const root1 = createTestRoot(repo1);
        const c1 = createCatalog({ repo: repo1, root: root1, deviceId: fakeDeviceId(1) });
        await c1.start();
        await c1.addAssets([sampleAsset(1), sampleAsset(2, { capturedAt: Date.UTC(2019, 4, 1) })]);
        c1.setFavorite(fakeAssetId(2), true);
        const album = await c1.createAlbum('Kept');
        c1.addToAlbum(album, [fakeAssetId(1)]);
        await c1.stop();
        await repo1.flush();
        await repo1.shutdown();

        const repo2 = new Repo({ storage: storage(arg) });
        const root2 = await repo2.find<RootDoc>(root1.url);
        const c2 = createCatalog({ repo: repo2, root: root2, deviceId: fakeDeviceId(1) });
        await c2.start();
        expect(c2.months()).toEqual(['2024-07', '2019-05']);
        expect(c2.getAsset(fakeAssetId(2))?.favorite).toBe(true);
        expect(c2.getAlbum(album)?.assets).toEqual([fakeAssetId(1)]);
        await c2.stop();
        await repo2.shutdown();
      } finally {
        await done();
      }
    });
  }
});
