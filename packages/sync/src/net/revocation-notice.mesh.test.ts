/**
 * A device revoked while it was away from the home node learns it from another device: A and
 * B (the browser factory's real libp2p stack; WebRTC is node-datachannel in Node) are connected
 * directly through the home node's relay; B leaves the home node; the home node revokes B; the
 * revocation reaches A (its root document), and A tells B over their direct connection, signed
 * by the library key, before it cuts B off.
 */
import { multiaddr } from '@multiformats/multiaddr';
import { afterEach, describe, expect, it } from 'vitest';
import { issueCertificate, issueRevocation } from '../identity/certificates.ts';
import type { DeviceRevocation } from '../identity/device-certificate.ts';
import { deviceIdOf, generateDeviceKey } from '../identity/device-key.ts';
import { generateLibraryKey } from '../identity/library-key.ts';
import { createPeerNode as createBrowserNode } from './create-peer-node.browser.ts';
import { createPeerNode } from './create-peer-node.node.ts';
import { isDirectWebRtc, startDeviceMesh } from './device-mesh.ts';
import { createLibraryAccess } from './library-access.ts';
import type { PeerNode } from './peer-node.ts';
import { handleRevocationNotices, tellRevokedPeer } from './revocation-notice.ts';
import { whenEvent } from './when-event.ts';
import { withTimeout } from './with-timeout.ts';

describe('a device revoked while away from the home node', { timeout: 60_000 }, () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('is told by another paired device it is directly connected to, then cut off', async () => {
    const key = await generateLibraryKey();
    const [keyA, keyB] = await Promise.all([generateDeviceKey(), generateDeviceKey()]);
    const [idA, idB] = [deviceIdOf(keyA), deviceIdOf(keyB)];
    const devices = Object.fromEntries(
      await Promise.all(
        [idA, idB].map(async (id) => [
          id,
          await issueCertificate(key, { deviceId: id, name: id, role: 'device' }),
        ]),
      ),
    );
    // The root document as A knows it (it would come from the home node over catalog sync).
    let rootOnA: unknown = { devices, revocations: {} };
    const relay = await createPeerNode({
      listen: ['/ip4/127.0.0.1/tcp/0/ws'],
      access: createLibraryAccess({ libraryPublicKey: key.publicKey, trusted: [idA, idB] }),
    });
    cleanup.push(() => relay.stop());
    const relayAddr = relay.getMultiaddrs()[0]!.toString();
    const accessOf = async () => {
      const acc = createLibraryAccess({
        libraryPublicKey: key.publicKey,
        trusted: [relay.peerId.toString()],
      });
      await acc.update(rootOnA);
      return acc;
    };
    const [accessA, accessB] = [await accessOf(), await accessOf()];
    const told: boolean[] = [];
    const a: PeerNode = await createBrowserNode({
      privateKey: keyA,
      allowDial: ['/ip4/127.0.0.1'],
      access: accessA,
      // What the PWA's worker does: tell the revoked peer, from the root document, first.
      beforeCutOff: async (peer) => told.push(await tellRevokedPeer(a, peer, rootOnA, key.publicKey)),
    });
    cleanup.push(() => a.stop());
    const b = await createBrowserNode({ privateKey: keyB, allowDial: ['/ip4/127.0.0.1'], access: accessB });
    cleanup.push(() => b.stop());
    const heard: DeviceRevocation[] = [];
    const heardIt = new Promise<void>((resolve) => {
      void handleRevocationNotices({
        node: b,
        deviceId: idB,
        libraryPublicKey: key.publicKey,
        onRevoked: (r) => {
          heard.push(r);
          resolve();
        },
      });
    });
    const meshes = [];
    for (const d of [a, b]) {
      await d.dial(multiaddr(relayAddr));
      const mesh = startDeviceMesh({
        node: d,
        relay: { peerId: relay.peerId.toString(), addrs: [relayAddr] },
        devices: () => [idA, idB],
        access: d === a ? accessA : accessB,
        minRetryMs: 200,
      });
      meshes.push(mesh);
      cleanup.push(() => mesh.stop());
    }
    const direct = (x: PeerNode, y: PeerNode) => x.getConnections(y.peerId).filter(isDirectWebRtc);
    await withTimeout(
      Promise.all([
        whenEvent(a, 'connection:open', () => direct(a, b).length > 0),
        whenEvent(b, 'connection:open', () => direct(b, a).length > 0),
      ]),
      20_000,
      'direct WebRTC connection between A and B',
    );

    // B goes away from the home node (its mesh stops redialling it); A and B stay connected.
    meshes[1]!.stop();
    const relayGone = whenEvent(b, 'connection:close', () => b.getConnections(relay.peerId).length === 0);
    await b.hangUp(relay.peerId);
    await withTimeout(relayGone, 10_000, 'B leaving the home node');
    expect(direct(b, a).length).toBeGreaterThan(0);

    // The home node revokes B (it cannot tell B: not connected); the root reaches A.
    const rev = await issueRevocation(key, idB);
    rootOnA = { devices, revocations: { [idB]: rev } };
    const cutOff = whenEvent(b, 'connection:close', () => b.getConnections(a.peerId).length === 0);
    await accessA.update(rootOnA);
    await withTimeout(heardIt, 20_000, 'B hearing of its revocation from A');
    expect(heard).toEqual([rev]);
    await withTimeout(cutOff, 20_000, 'A cutting B off');
    expect(told).toEqual([true]);
    expect(a.getConnections(b.peerId)).toHaveLength(0);
    // B's redial is refused by A from now on.
    await expect(
      b.dial(multiaddr(`${relayAddr}/p2p-circuit/webrtc/p2p/${idA}`), {
        signal: AbortSignal.timeout(10_000),
      }),
    ).rejects.toThrow();
  });
});
