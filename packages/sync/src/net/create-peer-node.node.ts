import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import { identify } from '@libp2p/identify';
import { mdns } from '@libp2p/mdns';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import { noiseCrypto } from './noise-crypto.node.ts';
import { cutOffRevoked, relayGater, revocationGater, type PeerNode, type PeerNodeInit } from './peer-node.ts';

/**
 * A Node.js peer: TCP and WebSockets (browsers dial the `/ws` address), mDNS on the LAN,
 * identify, ping, and a circuit relay v2 server so browsers can reach each other through
 * the home node. Noise (with `noiseCrypto`: each session key parsed once) + yamux. Started on return.
 */
export async function createPeerNode(init: PeerNodeInit = {}): Promise<PeerNode> {
  const node = await createLibp2p({
    ...(init.privateKey ? { privateKey: init.privateKey } : {}),
    addresses: { listen: init.listen ?? ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws'] },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise({ crypto: noiseCrypto })],
    streamMuxers: [yamux()],
    peerDiscovery: init.mdns ? [mdns()] : [],
    // Node may dial loopback and private addresses (the home node is on the LAN).
    connectionGater: {
      denyDialMultiaddr: () => false,
      ...revocationGater(init.access, init.revocationCourier),
      ...relayGater(init.access),
    },
    services: {
      identify: identify(),
      ping: ping(),
      ...(init.relayServer === false ? {} : { relay: circuitRelayServer() }),
    },
  });
  if (init.access) cutOffRevoked(node, init.access, init.beforeCutOff, init.revocationCourier);
  return node;
}
