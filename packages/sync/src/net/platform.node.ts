/** Node libp2p node factory (TCP, WebSockets, mDNS, relay server). */
export { createPeerNode } from './create-peer-node.node.ts';
