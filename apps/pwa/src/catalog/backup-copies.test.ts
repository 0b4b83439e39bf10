// @vitest-environment node
// IndexedDB (fake-indexeddb) clones Node's Blob, not happy-dom's, so this runs in plain Node.
import 'fake-indexeddb/auto';
import { Repo } from '@automerge/automerge-repo';
import { createCatalog, type AssetId, type DeviceId } from '@hearth/sync';
import { describe, expect, it } from 'vitest';
import { createTestRoot, fakeDeviceId } from '@hearth/sync/testing';
import { createCatalogLibrary } from './catalog-library.ts';
import { homeNodeNames } from './backup-copies.ts';
import { openIdbMediaCache } from './media-cache.idb.ts';

const phone: DeviceId = fakeDeviceId(1);
const [nodeA, nodeB, tablet, gone] = [fakeDeviceId(2), fakeDeviceId(3), fakeDeviceId(4), fakeDeviceId(5)];
const id = (c: string) => c.repeat(64) as AssetId;
const rec = (a: AssetId, size: number) => ({
  id: a,
  type: 'image' as const,
  mime: 'image/jpeg',
  size,
  capturedAt: Date.UTC(2024, 5, 1),
  width: 3,
  height: 2,
});

describe('backed up twice', () => {
  it('names the home nodes holding each original, counts the library, and frees only after 2 copies when asked', async () => {
    const repo = new Repo({ network: [] });
    const root = createTestRoot(repo);
    const catalog = createCatalog({ repo, root, deviceId: phone });
    // Each other device writes its own holder record into the same documents.
    const others = [nodeA, nodeB, tablet, gone].map((d) => createCatalog({ repo, root, deviceId: d }));
    const [onA, onB, onTablet, onGone] = others;
    // The root's devices: two home nodes, a tablet, and a revoked home node (not counted).
    const devices = homeNodeNames([
      { deviceId: nodeA, name: 'home', role: 'home-node', issuedAt: 1 },
      { deviceId: nodeB, name: 'backup', role: 'home-node', issuedAt: 2 },
      { deviceId: tablet, name: 'Tablet', role: 'device', issuedAt: 3 },
      { deviceId: gone, name: 'old', role: 'home-node', issuedAt: 0, revokedAt: 4 },
    ]);
    const asked: string[] = [];
    const lib = createCatalogLibrary({
      catalog,
      media: await openIdbMediaCache('backup-copies'),
      deviceId: phone,
      homeNodes: async () => devices,
      holds: async (hash) => (asked.push(hash), true),
    });
    await Promise.all([lib.start(), ...others.map((c) => c!.start())]);
    try {
      const [twice, once, tabletOnly, here] = [id('a'), id('b'), id('c'), id('d')];
      const original = (n: number) => new Blob([new Uint8Array(n)]);
      await lib.addAssets(
        [twice, once, tabletOnly, here].map((a, i) => ({
          ...rec(a, 100 * (i + 1)),
          original: original(100 * (i + 1)),
        })),
      );
      await onA!.addAssets([rec(twice, 100), rec(once, 200)]);
      await onB!.addAssets([rec(twice, 100)]);
      await onTablet!.addAssets([rec(tabletOnly, 300)]);
      // The revoked node's old holder record does not count as a copy.
      await onGone!.addAssets([rec(once, 200)]);

      expect(await lib.getAsset(twice)).toMatchObject({ backedUp: true, backedUpOn: ['backup', 'home'] });
      expect(await lib.getAsset(once)).toMatchObject({ backedUp: true, backedUpOn: ['home'] });
      const t = await lib.getAsset(tabletOnly);
      expect(t).toMatchObject({ backedUp: true });
      expect(t?.backedUpOn).toBeUndefined();
      expect((await lib.getAsset(here))?.backedUp).toBe(false);

      expect(await lib.backupSummary!()).toEqual({
        total: 4,
        onNoHomeNode: 2,
        onOneHomeNode: 1,
        homeNodes: 2,
      });

      // As before: any other holder makes an original freeable (the node's HEAD decides).
      expect(await lib.spaceToFree!()).toEqual({ count: 3, bytes: 600 });
      // Only after 2 copies: the one both home nodes hold.
      expect(await lib.spaceToFree!({ minCopies: 2 })).toEqual({ count: 1, bytes: 100 });
      expect(await lib.freeUpSpace!({ minCopies: 2 })).toEqual({ freed: 1, bytes: 100, kept: 0 });
      expect(asked).toEqual([twice]);
      expect(await lib.spaceToFree!({ minCopies: 2 })).toEqual({ count: 0, bytes: 0 });
      expect(await lib.spaceToFree!()).toEqual({ count: 2, bytes: 500 });
    } finally {
      await lib.stop();
      for (const c of others) await c!.stop();
      await repo.shutdown();
    }
  });
});
