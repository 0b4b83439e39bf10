/**
 * Test helpers: plain libp2p nodes on loopback and an allow-list PeerAccess. Stand-ins
 * until the net area's `createPeerNode` and certificate-backed access land; the blob
 * code only sees the libp2p and PeerAccess interfaces, so switching is a one-line change.
 */
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { Libp2p } from '@libp2p/interface';
import type { DeviceId } from '../ids.ts';
import type { PeerAccess } from '../net/peer-access.ts';

/** A loopback libp2p node for tests and benches. */
export async function createTestNode(transport: 'tcp' | 'ws' = 'tcp'): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: [transport === 'tcp' ? '/ip4/127.0.0.1/tcp/0' : '/ip4/127.0.0.1/tcp/0/ws'] },
    transports: transport === 'tcp' ? [tcp()] : [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
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
