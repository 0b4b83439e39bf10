/**
 * The home node's replicator, across processes: a paired device adds an asset whose
 * original (and thumbnail) only it holds; the node (`hearth start`) pulls both over
 * `/hearth/blob/2`, verified, records itself as a holder of the original, and
 * `hearth status` shows them held. A fetched original is imported into the node's library
 * (`hearth ls`, node-made thumbnails); one that is not a photo is reported, not retried.
 */
import { readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fixturesDir, hasFixtures, runCli } from '@hearth/node-peer/testing';
import { readAll, type BlobHash } from '@hearth/sync';
import { createFsBlobStore } from '@hearth/sync/platform';
import { spawnPeer } from './support/spawn-peer.ts';
import { startHomeNode, testDir } from './support/test-cleanup.ts';

/** A blob of the node's store, read through the store (small blobs are in pack files). */
async function storedBytes(dataDir: string, hash: string): Promise<Uint8Array> {
  const store = createFsBlobStore({ root: join(dataDir, 'blobs') });
  await store.start();
  try {
    return await readAll(store, hash as BlobHash);
  } finally {
    await store.stop();
  }
}

interface Replication {
  pinned: number;
  held: number;
  filesDone: number;
  failed: number;
  originals: number;
  originalsHeldElsewhere: number;
  originalsOnOtherNodes: number;
  imports?: { imported: number; duplicates: number; failed: number; lastError?: string };
}

describe('home node replication', () => {
  it("pulls a paired device's original and thumbnail, verified, and status shows them held", async () => {
    const d = testDir('replica-node');
    expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
    const daemon = startHomeNode(d, undefined, { stop: 'SIGTERM' });
    await daemon.waitFor(/^ready$/m);
    const status = async () =>
      JSON.parse((await runCli(['--data-dir', d, 'status', '--json'])).stdout) as {
        replication: Replication | null;
      };
    // Nobody paired yet: the synced catalog stays closed, nothing to report.
    expect((await status()).replication).toBeNull();

    const phone = await spawnPeer('phone');
    onTestFinished(() => phone.stop());
    const offer = JSON.parse((await runCli(['--data-dir', d, 'pair', '--json'])).stdout) as { link: string };
    await phone.call('pair', { link: offer.link });
    await phone.call('catalog-start');
    await phone.call('blob-serve');
    const original = await phone.call<{ hash: string; size: number }>('blob-put', {
      size: 3_000_000,
      seed: 7,
    });
    const thumb = await phone.call<{ hash: string; size: number }>('blob-put', { size: 20_000, seed: 8 });
    await phone.call('catalog-add', {
      assets: [
        {
          id: original.hash,
          type: 'image',
          mime: 'image/jpeg',
          size: original.size,
          capturedAt: Date.UTC(2026, 5, 1),
          width: 4000,
          height: 3000,
          fileName: 'IMG_0001.JPG',
        },
      ],
    });
    await phone.call('catalog-op', {
      op: 'setDerived',
      args: [original.hash, { thumbnail: { hash: thumb.hash, pipeline: 1 } }],
    });

    await expect
      .poll(async () => (await status()).replication, { timeout: 60_000, interval: 500 })
      .toMatchObject({
        pinned: 2,
        held: 2,
        failed: 0,
        originals: 1,
        originalsHeldElsewhere: 1,
        originalsOnOtherNodes: 0,
      });
    // The bytes on the node's disk are the device's, whole.
    for (const b of [original, thumb])
      expect(
        createHash('sha256')
          .update(await storedBytes(d, b.hash))
          .digest('hex'),
      ).toBe(b.hash);
    // The node is now a holder of the original: the device sees it backed up.
    await phone.call('catalog-wait', {
      expect: { assets: [original.hash] },
    });
    await expect
      .poll(
        async () =>
          (await phone.call<{ assets: { holders: string[] }[] }>('catalog-snapshot')).assets[0]?.holders
            .length,
        {
          timeout: 20_000,
        },
      )
      .toBe(2);
    // Random bytes are no photo: the import failure is reported (once), the blob kept.
    expect((await status()).replication?.imports).toMatchObject({ imported: 0, failed: 1 });
    expect((await status()).replication?.imports?.lastError).toMatch(/^IMG_0001\.JPG: not a readable photo/);
    expect((await storedBytes(d, original.hash)).length).toBe(original.size);
    const text = (await runCli(['--data-dir', d, 'status'])).stdout;
    expect(text).toMatch(/replication: 2 of 2 pinned blobs held/);
    expect(text).toMatch(/1 not importable/);
    expect(text).toMatch(/originals also held by another device or node: 1 of 1 \(by another home node: 0\)/);

    // After a restart the held original is still not in the journal: the full pass tries it
    // once more (the catch-up after a crash between fetch and import), and only once.
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    const again = startHomeNode(d, undefined, { stop: 'SIGTERM' });
    // The device reconnects (the node's ports changed): the replicator's full pass runs.
    const addr = (await again.waitFor(/devices connect to (\S+)/))[1] as string;
    await again.waitFor(/^ready$/m);
    await phone.call('dial', { addr });
    await again.waitFor(/IMG_0001\.JPG was fetched but not imported/);
    expect((await status()).replication).toMatchObject({ held: 2, imports: { imported: 0, failed: 1 } });
  }, 120_000);

  it.skipIf(!hasFixtures)(
    "imports a pulled original into the node's library: hearth ls lists it and the node makes its thumbnail",
    async () => {
      const d = testDir('replica-import');
      expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
      const daemon = startHomeNode(d, undefined, { stop: 'SIGTERM' });
      await daemon.waitFor(/^ready$/m);
      const phone = await spawnPeer('phone');
      onTestFinished(() => phone.stop());
      const offer = JSON.parse((await runCli(['--data-dir', d, 'pair', '--json'])).stdout) as {
        link: string;
      };
      await phone.call('pair', { link: offer.link });
      await phone.call('catalog-start');
      await phone.call('blob-serve');
      const jpeg = join(fixturesDir(), 'immich-test-assets/formats/jpg/el_torcal_rocks.jpg');
      const original = await phone.call<{ hash: string; size: number }>('blob-put', { path: jpeg });
      await phone.call('catalog-add', {
        assets: [
          {
            id: original.hash,
            type: 'image',
            mime: 'image/jpeg',
            size: original.size,
            capturedAt: Date.UTC(2026, 5, 1),
            width: 1000,
            height: 750,
            fileName: 'rocks.jpg',
          },
        ],
      });
      // The daemon pulls it and imports it under the device's file name.
      const ls = async () =>
        (await runCli(['--data-dir', d, 'ls', '--json'])).stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { id: string; fileName: string });
      await expect
        .poll(ls, { timeout: 60_000, interval: 500 })
        .toEqual([expect.objectContaining({ id: original.hash, fileName: 'rocks.jpg' })]);
      // The node's reconcile loop makes its thumbnail, which the device sees in the synced catalog.
      await expect
        .poll(
          async () =>
            (
              await phone.call<{ assets: { id: string; derived: { thumbnail?: { hash: string } } }[] }>(
                'catalog-snapshot',
              )
            ).assets.find((a) => a.id === original.hash)?.derived.thumbnail?.hash,
          { timeout: 60_000, interval: 500 },
        )
        .toMatch(/^[0-9a-f]{64}$/);
      const status = JSON.parse((await runCli(['--data-dir', d, 'status', '--json'])).stdout) as {
        replication: Replication | null;
      };
      expect(status.replication?.imports).toMatchObject({ imported: 1, failed: 0 });
      // The hard link the importer read is gone; the blob stays in the store.
      expect(readdirSync(join(d, 'uploads'))).toEqual([]);
      expect(
        createHash('sha256')
          .update(await storedBytes(d, original.hash))
          .digest('hex'),
      ).toBe(original.hash);
    },
    120_000,
  );
});
