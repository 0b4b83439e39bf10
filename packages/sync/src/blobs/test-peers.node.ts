/**
 * Test helpers: the net area's peer node on loopback (one transport, so a test knows which
 * it exercises) and an allow-list PeerAccess (the blob code only sees the PeerAccess
 * interface; the certificate-backed one is tested in net/).
 */
import type { Libp2p } from '@libp2p/interface';
import { createPeerNode } from '../net/create-peer-node.node.ts';
import type { DeviceId } from '../ids.ts';
import type { PeerAccess } from '../net/peer-access.ts';

/** A loopback libp2p node for tests and benches. */
export async function createTestNode(transport: 'tcp' | 'ws' = 'tcp'): Promise<Libp2p> {
  return createPeerNode({
    listen: [transport === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : '/ip4/127.0.0.1/tcp/0/ws'],
    relayServer: false,
  });
}

/** A PeerAccess over a mutable set of peer ids. */
export interface AllowListAccess extends PeerAccess {
  allow(peer: string): void;
  revoke(peer: string): void;
}

export function createAllowListAccess(peers: Iterable<string> = []): AllowListAccess {
  const allowed = new Set(peers);
  const listeners = new Set<(p: DeviceId) => void>();
  return {
    isPaired: (p) => allowed.has(p),
    onRevoked(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    allow: (p) => void allowed.add(p),
    revoke(p) {
      allowed.delete(p);
      for (const l of listeners) l(p as DeviceId);
    },
  };
}
