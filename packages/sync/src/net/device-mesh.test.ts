/**
 * Browser-to-browser over WebRTC through the home node's relay, with the browser factory's
 * real libp2p stack (in Node its WebRTC is node-datachannel; the PWA e2e runs it in
 * Chromium): two devices find each other through the relay, then sync a document directly
 * with the home node gone. Strangers get no reservation and no relayed connection.
 */
import { Repo, type DocHandle, type PeerId as RepoPeerId } from '@automerge/automerge-repo';
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLibraryKey } from '../identity/library-key.ts';
import { createPeerNode as createBrowserNode } from './create-peer-node.browser.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { isDirectWebRtc, startDeviceMesh, type DeviceMesh } from './device-mesh.ts';
import { createLibraryAccess } from './library-access.ts';
import { Libp2pNetworkAdapter } from './libp2p-network-adapter.ts';
import type { PeerAccess } from './peer-access.ts';
import type { PeerNode } from './peer-node.ts';
import { whenEvent } from './when-event.ts';
import { withTimeout } from './with-timeout.ts';

const direct = (node: PeerNode, peer: PeerNode) => node.getConnections(peer.peerId).filter(isDirectWebRtc);

describe('device mesh: WebRTC between devices through the home relay', { timeout: 60_000 }, () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  /** Three browser nodes, and a home node (relay) whose access pairs those `paired` picks. */
  async function setup(paired: (devices: PeerNode[]) => PeerAccess) {
    const devices: PeerNode[] = [];
    for (let i = 0; i < 3; i++) {
      const d = await createBrowserNode({ allowDial: ['/ip4/127.0.0.1'] });
      cleanup.push(() => d.stop());
      devices.push(d);
    }
    const access = paired(devices);
    const relay = await createPeerNode({ listen: ['/ip4/127.0.0.1/tcp/0/ws'], access });
    cleanup.push(() => relay.stop());
    return { relay, devices, relayAddr: relay.getMultiaddrs()[0]!.toString(), access };
  }

  it('two paired devices connect directly and sync a document with the home node stopped', async () => {
    const key = await generateLibraryKey();
    let ids: string[] = [];
    const { relay, devices, relayAddr, access } = await setup((ds) => {
      ids = ds.slice(0, 2).map((d) => d.peerId.toString());
      return createLibraryAccess({ libraryPublicKey: key.publicKey, trusted: ids });
    });
    const [a, b] = devices as [PeerNode, PeerNode];
    const deviceAccess = createLibraryAccess({
      libraryPublicKey: key.publicKey,
      trusted: [...ids, relay.peerId.toString()],
    });
    const meshes: DeviceMesh[] = [];
    for (const d of [a, b]) {
      await d.dial(multiaddr(relayAddr));
      const mesh = startDeviceMesh({
        node: d,
        relay: { peerId: relay.peerId.toString(), addrs: [relayAddr] },
        devices: () => ids,
        access: deviceAccess,
        minRetryMs: 200,
      });
      meshes.push(mesh);
      cleanup.push(() => mesh.stop());
    }
    expect(access.isPaired(a.peerId.toString())).toBe(true);
    await withTimeout(
      Promise.all([
        whenEvent(a, 'connection:open', () => direct(a, b).length > 0),
        whenEvent(b, 'connection:open', () => direct(b, a).length > 0),
      ]),
      20_000,
      'direct WebRTC connection between the devices',
    );
    // Dialled as <relay>/p2p-circuit/webrtc/p2p/<device>; accepted as /webrtc/p2p/<device>.
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const)
      for (const c of direct(from, to))
        expect(c.remoteAddr.toString()).toMatch(new RegExp(`/webrtc/p2p/${to.peerId.toString()}$`));
    // Catalog sync between the two devices, then the home node goes away entirely.
    const repos = [a, b].map(
      (node) =>
        new Repo({
          network: [new Libp2pNetworkAdapter({ node, access: deviceAccess })],
          peerId: node.peerId.toString() as RepoPeerId,
        }),
    );
    cleanup.push(() => Promise.all(repos.map((r) => r.shutdown())));
    const [ra, rb] = repos as [Repo, Repo];
    const doc = ra.create<{ title: string }>({ title: 'Trip' });
    const onB: DocHandle<{ title: string }> = await withTimeout(rb.find(doc.url), 20_000, 'find on B');
    expect(onB.doc().title).toBe('Trip');
    const relayGone = [a, b].map(
      (d) =>
        new Promise<void>((resolve) => {
          const check = () => d.getConnections(relay.peerId).length === 0 && resolve();
          d.addEventListener('connection:close', check);
          check();
        }),
    );
    await relay.stop();
    await withTimeout(Promise.all(relayGone), 10_000, 'the relay hanging up');
    doc.change((d) => (d.title = 'Summer trip'));
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => onB.doc().title === 'Summer trip' && resolve();
        onB.on('change', check);
        check();
      }),
      20_000,
      'the edit reaching B directly',
    );
    expect(direct(b, a).length).toBeGreaterThan(0);
  });

  it('a device paired while connected to the relay gets its reservation (the mesh reconnects once)', async () => {
    const paired = new Set<string>();
    let refused: () => void = () => {};
    const refusal = new Promise<void>((resolve) => (refused = resolve));
    let id = '';
    const { relay, devices, relayAddr } = await setup((ds) => {
      id = ds[0]!.peerId.toString();
      return {
        // The relay asks when the device requests a reservation.
        isPaired: (p) => {
          if (paired.has(p)) return true;
          if (p === id) refused();
          return false;
        },
        onRevoked: () => () => {},
      };
    });
    const a = devices[0]!;
    paired.add(relay.peerId.toString());
    const circuit = () => a.getMultiaddrs().some((m) => m.toString().includes('/p2p-circuit'));
    // Unpaired, it connects (to pair, as a new device does) and is refused a reservation.
    await a.dial(multiaddr(relayAddr));
    await withTimeout(refusal, 20_000, 'the refused reservation');
    paired.add(id);
    const lines: string[] = [];
    const mesh = startDeviceMesh({
      node: a,
      relay: { peerId: relay.peerId.toString(), addrs: [relayAddr] },
      devices: () => [],
      access: { isPaired: (p) => paired.has(p), onRevoked: () => () => {} },
      minRetryMs: 200,
      reservationGraceMs: 500,
      log: (l) => lines.push(l),
    });
    cleanup.push(() => mesh.stop());
    await withTimeout(whenEvent(a, 'self:peer:update', circuit), 20_000, 'the reservation after pairing');
    expect(lines).toContain('no reservation on the relay: reconnecting to it so it is asked again');
  });

  it('the relay serves paired devices only: a stranger gets no reservation and cannot reach a device', async () => {
    const key = await generateLibraryKey();
    let ids: string[] = [];
    const { devices, relayAddr } = await setup((ds) => {
      ids = ds.slice(0, 1).map((d) => d.peerId.toString());
      return createLibraryAccess({ libraryPublicKey: key.publicKey, trusted: ids });
    });
    const [a, , stranger] = devices as [PeerNode, PeerNode, PeerNode];
    const circuit = (n: PeerNode) => n.getMultiaddrs().some((m) => m.toString().includes('/p2p-circuit'));
    await a.dial(multiaddr(relayAddr));
    await stranger.dial(multiaddr(relayAddr));
    await withTimeout(
      whenEvent(a, 'self:peer:update', () => circuit(a)),
      20_000,
      "A's reservation",
    );
    expect(circuit(stranger)).toBe(false);
    await expect(
      stranger.dial(multiaddr(`${relayAddr}/p2p-circuit/webrtc/p2p/${a.peerId.toString()}`), {
        signal: AbortSignal.timeout(20_000),
      }),
    ).rejects.toThrow();
    expect(a.getConnections(stranger.peerId)).toHaveLength(0);
  });
});
