import { Repo, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createCatalogStorage } from '../catalog/platform.node.ts';
import { syncPendingWith } from './sync-pending.ts';
import { withTimeout } from './with-timeout.ts';

interface Album {
  title: string;
}

/** Resolves once the handle's document (and what the other side reported) settles on `test`. */
function until<T>(handle: DocHandle<T>, test: () => boolean): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve) => {
      const check = () => {
        if (!test()) return;
        handle.off('remote-heads', check);
        handle.off('change', check);
        resolve();
      };
      handle.on('remote-heads', check);
      handle.on('change', check);
      check();
    }),
    10_000,
    'sync state',
  );
}

describe('syncPendingWith', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('counts documents to send while apart and to receive when the peer is ahead', async () => {
    const dir = mkdtempSync(`${tmpdir()}/hearth-pending-`);
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const { port1, port2 } = new MessageChannel();
    const toHome = new MessageChannelNetworkAdapter(port1);
    // Closable: a throttled save can fire after shutdown, into the removed dir.
    const deviceStorage = createCatalogStorage(`${dir}/device`);
    const homeStorage = createCatalogStorage(`${dir}/home`);
    const device = new Repo({
      network: [toHome],
      storage: deviceStorage,
      peerId: 'device' as PeerId,
    });
    const home = new Repo({
      network: [new MessageChannelNetworkAdapter(port2)],
      storage: homeStorage,
      peerId: 'home' as PeerId,
    });
    // Run in reverse: shut the repos down, close their storage, then remove the dir.
    cleanup.push(
      () => Promise.all([deviceStorage.close(), homeStorage.close()]),
      () => device.shutdown(),
      () => home.shutdown(),
    );
    const homePeer = 'home' as PeerId;
    expect(syncPendingWith(device, homePeer)).toBeUndefined();

    const album = device.create<Album>({ title: 'Trip' });
    await until(album, () => syncPendingWith(device, homePeer)?.toSend === 0);
    expect(syncPendingWith(device, homePeer)).toEqual({ toSend: 0, toReceive: 0 });
    const onHome = await withTimeout(home.find<Album>(album.url), 10_000, 'album at home');

    // Apart: an edit here is to send; the home's own edit is not known here yet.
    device.networkSubsystem.removeNetworkAdapter(toHome);
    album.change((d) => void (d.title = 'Summer'));
    onHome.change((d) => void (d.title = 'Alps'));
    expect(syncPendingWith(device, homePeer)).toEqual({ toSend: 1, toReceive: 0 });

    // The home reports heads this device does not have (as in a sync round, before the changes
    // themselves arrive): to receive.
    const storageId = device.getStorageIdOfPeer(homePeer)!;
    album.setSyncInfo(storageId, { lastHeads: onHome.heads(), lastSyncTimestamp: Date.now() });
    expect(syncPendingWith(device, homePeer)).toEqual({ toSend: 0, toReceive: 1 });
  });
});
