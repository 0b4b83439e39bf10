import { Repo, type PeerId } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createCatalogStorage } from '../catalog/platform.node.ts';
import { followPeerHeads, syncPendingWith } from './sync-pending.ts';
import { withTimeout } from './with-timeout.ts';

interface Album {
  title: string;
}

/** Resolves once `test` holds, checked after each sync state change of `repo`. */
function until(repo: Repo, test: () => boolean): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve) => {
      const check = () => {
        if (!test()) return;
        repo.synchronizer.off('sync-state', check);
        resolve();
      };
      repo.synchronizer.on('sync-state', check);
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

  /** A device and a home node repo linked by a message channel, each with its own storage. */
  function pair() {
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
    return { device, home, toHome };
  }

  it('counts documents to send while apart and to receive when the peer is ahead', async () => {
    const { device, home, toHome } = pair();
    const homePeer = 'home' as PeerId;
    expect(syncPendingWith(device, homePeer)).toBeUndefined();

    const album = device.create<Album>({ title: 'Trip' });
    await until(device, () => syncPendingWith(device, homePeer)?.toSend === 0);
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

  // The reopened handle has no reported heads, and the home never reports them: its sync state
  // took our message (its own heads, no changes) as "in sync" and answers nothing. Before the
  // log this stayed "1 to send" for ever (catalog-sync.e2e's B stuck at "1 to send").
  it('counts a document reopened while in sync as synced, and a later edit as to send', async () => {
    const { device, home, toHome } = pair();
    const log = followPeerHeads(device);
    cleanup.push(() => log.stop());
    const homePeer = 'home' as PeerId;
    const first = device.create<Album>({ title: 'Trip' });
    await until(device, () => syncPendingWith(device, homePeer, log)?.toSend === 0);
    await withTimeout(home.find<Album>(first.url), 10_000, 'album at home');
    await device.flush();

    await device.removeFromCache(first.documentId);
    const album = await device.find<Album>(first.url);
    // Without the log, the count is wrong from here on.
    expect(syncPendingWith(device, homePeer)).toEqual({ toSend: 1, toReceive: 0 });
    await until(device, () => syncPendingWith(device, homePeer, log)?.toSend === 0);
    expect(syncPendingWith(device, homePeer, log)).toEqual({ toSend: 0, toReceive: 0 });

    // Still counts what the home lacks.
    device.networkSubsystem.removeNetworkAdapter(toHome);
    album.change((d) => void (d.title = 'Summer'));
    expect(syncPendingWith(device, homePeer, log)).toEqual({ toSend: 1, toReceive: 0 });
  });
});
