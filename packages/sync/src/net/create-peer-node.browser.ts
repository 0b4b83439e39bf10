import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { webRTC } from '@libp2p/webrtc';
import { webSockets } from '@libp2p/websockets';
import type { Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { cutOffRevoked, relayGater, revocationGater, type PeerNode, type PeerNodeInit } from './peer-node.ts';
import { rtcConfigurationOf } from './webrtc-config.ts';

/**
 * Browser dial policy. libp2p's browser default refuses plain `/ws` and private addresses,
 * which is exactly where a home node on the LAN lives (DESIGN.md §4), so the home node's
 * addresses are allowed explicitly; secure websockets, WebRTC and relayed addresses too.
 */
export function browserDialAllowed(ma: Multiaddr, allow: readonly string[]): boolean {
  const s = ma.toString();
  if (allow.some((a) => s === a || s.startsWith(`${a}/`))) return true;
  return /\/(wss|tls\/ws|webrtc|webrtc-direct|p2p-circuit)(\/|$)/.test(s);
}

/**
 * A browser peer: WebSockets, WebRTC and circuit relay transport. Noise + yamux. Started on
 * return. It listens on `/p2p-circuit` (a reservation on a relay it is connected to: the
 * home node) and `/webrtc` (other devices reach it at `<relay>/p2p-circuit/webrtc/p2p/<it>`;
 * see device-mesh.ts). ICE uses host candidates only unless `iceServers` are given.
 */
export async function createPeerNode(init: PeerNodeInit = {}): Promise<PeerNode> {
  const allow = init.allowDial ?? [];
  const node = await createLibp2p({
    ...(init.privateKey ? { privateKey: init.privateKey } : {}),
    addresses: { listen: init.listen ?? ['/p2p-circuit', '/webrtc'] },
    transports: [
      webSockets(),
      webRTC({ rtcConfiguration: rtcConfigurationOf(init) }),
      circuitRelayTransport(),
    ],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionGater: {
      denyDialMultiaddr: (ma) => !browserDialAllowed(ma, allow),
      ...revocationGater(init.access),
      ...relayGater(init.access),
    },
    services: { identify: identify(), ping: ping() },
  });
  if (init.access) cutOffRevoked(node, init.access, init.beforeCutOff);
  return node;
}
