/**
 * The home node's replicator, across processes: a paired device adds an asset whose
 * original (and thumbnail) only it holds; the node (`hearth start`) pulls both over
 * `/hearth/blob/1`, verified, records itself as a holder of the original, and
 * `hearth status` shows them held.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli, spawnCli } from '@hearth/node-peer/testing';
import { spawnPeer } from './support/spawn-peer.ts';

interface Replication {
  pinned: number;
  held: number;
  filesDone: number;
  failed: number;
  originals: number;
  originalsHeldElsewhere: number;
  originalsOnOtherNodes: number;
}

describe('home node replication', () => {
  it("pulls a paired device's original and thumbnail, verified, and status shows them held", async () => {
    const d = mkdtempSync(join(tmpdir(), 'hearth-replica-node-'));
    onTestFinished(() => rmSync(d, { recursive: true, force: true }));
    expect((await runCli(['--data-dir', d, 'init'])).code).toBe(0);
    const daemon = spawnCli(['--data-dir', d, 'start', '--port', '0', '--p2p-port', '0', '--no-mdns']);
    onTestFinished(async () => {
      daemon.child.kill('SIGTERM');
      await daemon.exited;
    });
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
    for (const b of [original, thumb]) {
      const file = join(d, 'blobs', 'sha256', b.hash.slice(0, 2), b.hash.slice(2, 4), b.hash);
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(b.hash);
    }
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
    const text = (await runCli(['--data-dir', d, 'status'])).stdout;
    expect(text).toMatch(/replication: 2 of 2 pinned blobs held/);
    expect(text).toMatch(/originals also held by another device or node: 1 of 1 \(by another home node: 0\)/);
  }, 120_000);
});
