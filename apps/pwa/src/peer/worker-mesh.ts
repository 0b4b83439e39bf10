/**
 * Other paired browsers, directly over WebRTC: the device mesh (`@hearth/sync`) dials each
 * paired browser device through the circuit relay of every home node connected now (they
 * carry only the signalling), so two browsers still meet while the first home node is down
 * and a second one is up. The node holds a reservation on each (worker-node.ts).
 */
import { startDeviceMesh, type DeviceMesh, type PeerNode, type SwitchableAccess } from '@hearth/sync';
import type { KnownHome } from './home-nodes.ts';

export function startWorkerMesh(n: PeerNode, access: SwitchableAccess, homes: () => KnownHome[]): DeviceMesh {
  const relays = () => homes().map((h) => ({ peerId: h.id, addrs: h.addrs }));
  return startDeviceMesh({
    node: n,
    access,
    relay: relays()[0]!,
    relays,
    devices: () =>
      access
        .current()
        ?.certificates()
        .filter((c) => c.role === 'device')
        .map((c) => c.deviceId) ?? [],
    log: (line) => console.info(line),
  });
}
