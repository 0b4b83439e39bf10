import 'fake-indexeddb/auto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
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
        const storage1 = storage(arg);
        const repo1 = new Repo({ storage: storage1 });
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
        await storage1.close();

        const storage2 = storage(arg);
        const repo2 = new Repo({ storage: storage2 });
        const root2 = await repo2.find<RootDoc>(root1.url);
        const c2 = createCatalog({ repo: repo2, root: root2, deviceId: fakeDeviceId(1) });
        await c2.start();
        expect(c2.months()).toEqual(['2024-07', '2019-05']);
        expect(c2.getAsset(fakeAssetId(2))?.favorite).toBe(true);
        expect(c2.getAlbum(album)?.assets).toEqual([fakeAssetId(1)]);
        await c2.stop();
        await repo2.shutdown();
        await storage2.close();
      } finally {
        await done();
      }
    });
  }

  it('nodefs: after close a write waits for nothing and never touches the dir; writes already running finish first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-cat-'));
    try {
      const storage = node.createCatalogStorage(dir);
      const repo = new Repo({ storage });
      const handle = repo.create<{ n: number }>({ n: 1 });
      await repo.flush();
      const running = storage.save(['running', 'chunk'], new Uint8Array([1, 2, 3]));
      handle.change((d) => void (d.n = 2));
      await repo.shutdown();
      await storage.close();
      await running;
      // Every document was flushed, and the write running at close landed.
      expect((await storage.loadRange([handle.documentId])).length).toBeGreaterThan(0);
      expect(await storage.load(['running', 'chunk'])).toEqual(new Uint8Array([1, 2, 3]));
      expect(storage.closed).toBe(true);

      // The owner removes the dir; a late throttled save must not recreate or fail on it.
      await rm(dir, { recursive: true, force: true });
      await storage.save([handle.documentId, 'incremental', 'late'], new Uint8Array([9]));
      await storage.remove([handle.documentId, 'snapshot', 'old']);
      await storage.removeRange([handle.documentId, 'sync-state']);
      expect(existsSync(dir)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('nodefs: an open storage still writes, and close is idempotent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-cat-'));
    try {
      const storage = node.createCatalogStorage(dir);
      await storage.save(['ab12', 'x'], new Uint8Array([7]));
      expect(await readdir(dir)).toEqual(['ab']);
      await storage.close();
      await storage.close();
      await storage.save(['cd34', 'y'], new Uint8Array([8]));
      expect(await readdir(dir)).toEqual(['ab']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
