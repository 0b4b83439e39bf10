/**
 * The device mesh with more than one home node: each device holds a reservation on every relay
 * it is connected to, and dials others through every connected one, so with the first home
 * node stopped two devices still meet through the second. The browser factory's real libp2p
 * stack (in Node its WebRTC is node-datachannel); the PWA e2e does the same in Chromium.
 */
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { generateLibraryKey } from '../identity/library-key.ts';
import { createPeerNode as createBrowserNode } from './create-peer-node.browser.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { isDirectWebRtc, startDeviceMesh } from './device-mesh.ts';
import { createLibraryAccess } from './library-access.ts';
import type { PeerNode } from './peer-node.ts';
import { whenEvent } from './when-event.ts';
import { withTimeout } from './with-timeout.ts';

const direct = (node: PeerNode, peer: PeerNode) => node.getConnections(peer.peerId).filter(isDirectWebRtc);
const circuits = (node: PeerNode) =>
  node.getMultiaddrs().filter((m) => m.toString().includes('/p2p-circuit'));

describe('device mesh through any of several home relays', { timeout: 60_000 }, () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('with the first relay stopped, two devices connect directly through the second', async () => {
    const key = await generateLibraryKey();
    const devices: PeerNode[] = [];
    for (let i = 0; i < 2; i++) {
      const d = await createBrowserNode({
        allowDial: ['/ip4/127.0.0.1'],
        listen: ['/p2p-circuit', '/p2p-circuit', '/webrtc'],
      });
      cleanup.push(() => d.stop());
      devices.push(d);
    }
    const [a, b] = devices as [PeerNode, PeerNode];
    const ids = devices.map((d) => d.peerId.toString());
    const relays: PeerNode[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await createPeerNode({
        listen: ['/ip4/127.0.0.1/tcp/0/ws'],
        access: createLibraryAccess({ libraryPublicKey: key.publicKey, trusted: ids }),
      });
      cleanup.push(() => r.stop());
      relays.push(r);
    }
    const [first, second] = relays as [PeerNode, PeerNode];
    const meshRelays = relays.map((r) => ({
      peerId: r.peerId.toString(),
      addrs: [r.getMultiaddrs()[0]!.toString()],
    }));
    // Both devices reach both relays and hold a reservation on each.
    for (const d of devices) {
      for (const r of meshRelays) await d.dial(multiaddr(r.addrs[0]!));
      await withTimeout(
        whenEvent(d, 'self:peer:update', () => {
          const held = circuits(d).map((m) => m.toString());
          return meshRelays.every((r) => held.some((m) => m.includes(`/p2p/${r.peerId}/p2p-circuit`)));
        }),
        20_000,
        'a reservation on each relay',
      );
    }
    // The first home node goes; the devices have not met yet.
    const firstGone = devices.map((d) =>
      withTimeout(
        new Promise<void>((resolve) => {
          const check = () => d.getConnections(first.peerId).length === 0 && resolve();
          d.addEventListener('connection:close', check);
          check();
        }),
        10_000,
        'the first relay hanging up',
      ),
    );
    await first.stop();
    await Promise.all(firstGone);
    expect(direct(a, b)).toHaveLength(0);
    const deviceAccess = createLibraryAccess({
      libraryPublicKey: key.publicKey,
      trusted: [...ids, ...relays.map((r) => r.peerId.toString())],
    });
    for (const d of devices) {
      const mesh = startDeviceMesh({
        node: d,
        relay: meshRelays[0]!,
        relays: () => meshRelays,
        devices: () => ids,
        access: deviceAccess,
        minRetryMs: 200,
      });
      cleanup.push(() => mesh.stop());
    }
    await withTimeout(
      Promise.all([
        whenEvent(a, 'connection:open', () => direct(a, b).length > 0),
        whenEvent(b, 'connection:open', () => direct(b, a).length > 0),
      ]),
      20_000,
      'a direct WebRTC connection signalled through the second relay',
    );
    expect(second.getConnections().length).toBeGreaterThan(0);
  });
});
