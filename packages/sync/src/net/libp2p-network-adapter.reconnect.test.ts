/**
 * A device's connection dies without a close reaching the other end (a phone or browser
 * going offline): the device sees its connection end, the home node keeps a half-open one.
 * Edits made on both sides meanwhile must sync both ways as soon as the device redials.
 */
import { Repo, type DocHandle, type PeerId as RepoPeerId } from '@automerge/automerge-repo';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { createCatalogStorage } from '../catalog/platform.node.ts';
import { generateLibraryKey } from '../identity/library-key.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { LOOPBACK_TCP } from './loopback-stream.ts';
import { startHalfOpenProxy } from './half-open-proxy.node.ts';
import { createLibraryAccess } from './library-access.ts';
import { Libp2pNetworkAdapter } from './libp2p-network-adapter.ts';
import type { PeerNode } from './peer-node.ts';
import { withTimeout } from './with-timeout.ts';

interface Album {
  title: string;
  items: string[];
}

/** Resolves once `test` holds for the handle's document (checked on every change). */
function until<T>(handle: DocHandle<T>, test: (doc: T) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const doc = handle.doc();
      if (doc === undefined || !test(doc)) return;
      handle.off('change', check);
      resolve();
    };
    handle.on('change', check);
    check();
  });
}

const disconnected = (node: PeerNode, peer: string) =>
  new Promise<void>((resolve) => {
    const listener = (e: CustomEvent<{ toString(): string }>) => {
      if (e.detail.toString() !== peer) return;
      node.removeEventListener('peer:disconnect', listener);
      resolve();
    };
    node.addEventListener('peer:disconnect', listener);
  });

describe('Libp2pNetworkAdapter after a connection died half-open', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup() {
    const home = await createPeerNode(LOOPBACK_TCP);
    const device = await createPeerNode({ listen: [], relayServer: false });
    cleanup.push(
      () => home.stop(),
      () => device.stop(),
    );
    const port = Number(/\/tcp\/(\d+)/.exec(home.getMultiaddrs()[0]!.toString())?.[1]);
    const proxy = await startHalfOpenProxy({ host: '127.0.0.1', port });
    cleanup.push(() => proxy.close());
    const via = multiaddr(`/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${home.peerId.toString()}`);
    const key = await generateLibraryKey();
    const access = createLibraryAccess({
      libraryPublicKey: key.publicKey,
      trusted: [home, device].map((n) => n.peerId.toString()),
    });
    const homeAdapter = new Libp2pNetworkAdapter({ node: home, access });
    const deviceAdapter = new Libp2pNetworkAdapter({ node: device, access });
    // Stored repos, as on the node and in the browser: sync states outlive a connection.
    const dir = mkdtempSync(`${tmpdir()}/hearth-reconnect-`);
    // Closable: a throttled save can fire after shutdown, into the removed dir.
    const homeStorage = createCatalogStorage(`${dir}/home`);
    const deviceStorage = createCatalogStorage(`${dir}/device`);
    const homeRepo = new Repo({ network: [homeAdapter], storage: homeStorage, peerId: 'home' as RepoPeerId });
    const deviceRepo = new Repo({
      network: [deviceAdapter],
      storage: deviceStorage,
      peerId: 'device' as RepoPeerId,
    });
    // Run in reverse: shut the repos down, close their storage, then remove the dir.
    cleanup.push(
      () => rmSync(dir, { recursive: true, force: true }),
      () => Promise.all([homeStorage.close(), deviceStorage.close()]),
      () => homeRepo.shutdown(),
      () => deviceRepo.shutdown(),
    );
    await device.dial(via);
    await withTimeout(deviceAdapter.whenPeer(home.peerId.toString()), 10_000, 'first link');
    return { home, device, proxy, via, homeRepo, deviceRepo, homeAdapter, deviceAdapter };
  }

  it('edits from both sides sync both ways once the device redials', { timeout: 30_000 }, async () => {
    const { home, device, proxy, via, homeRepo, deviceRepo, deviceAdapter } = await setup();
    const album = homeRepo.create<Album>({ title: 'Trip', items: ['a'] });
    const onDevice = await withTimeout(deviceRepo.find<Album>(album.url), 10_000, 'album on the device');
    expect(onDevice.doc().items).toEqual(['a']);

    const gone = disconnected(device, home.peerId.toString());
    proxy.cut();
    await withTimeout(gone, 10_000, 'device sees its connection end');
    // The home node did not notice: its end of the old connection is still open.
    expect(home.getConnections(device.peerId).map((c) => c.status)).toEqual(['open']);

    onDevice.change((d) => void d.items.push('b', 'c'));
    album.change((d) => void (d.title = 'Summer trip'));

    await device.dial(via);
    await withTimeout(deviceAdapter.whenPeer(home.peerId.toString()), 10_000, 'link after the redial');
    // Bounded well below libp2p's keep-alive (a ping every 10 s), which would end the
    // half-open connection by itself eventually.
    await withTimeout(
      Promise.all([
        until(album, (d) => d.items.length === 3),
        until(onDevice, (d) => d.title === 'Summer trip'),
      ]),
      5000,
      'both sides converge after the redial',
    );
    expect(album.doc()).toEqual({ title: 'Summer trip', items: ['a', 'b', 'c'] });
    expect(onDevice.doc()).toEqual(album.doc());
  });
});
