/**
 * Other paired browsers, directly over WebRTC: the device mesh (`@hearth/sync`) dials each
 * paired browser device through the home node's circuit relay, which carries only the
 * signalling.
 */
import { startDeviceMesh, type DeviceMesh, type PeerNode, type SwitchableAccess } from '@hearth/sync';
import type { KnownHome } from './home-nodes.ts';

export function startWorkerMesh(n: PeerNode, access: SwitchableAccess, homes: () => KnownHome[]): DeviceMesh {
  const first = homes()[0]!;
  return startDeviceMesh({
    node: n,
    access,
    relay: { peerId: first.id, addrs: first.addrs },
    devices: () =>
      access
        .current()
        ?.certificates()
        .filter((c) => c.role === 'device')
        .map((c) => c.deviceId) ?? [],
    log: (line) => console.info(line),
  });
}
