/** Test helpers of the net area (portable: no Node imports). */
export { connectPeers, whenConnected } from './connect-peers.ts';
export { withTimeout } from './with-timeout.ts';
export { whenEvent } from './when-event.ts';
export { dialLoopback, LOOPBACK_TCP } from './loopback-stream.ts';
export { pairTestPeer, type PairedTestPeer } from './paired-test-peer.ts';

/** Listen addresses for tests: loopback only, TCP and WebSockets on random ports. */
export const LOOPBACK_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'];
export { runPeerAccessContract, type PeerAccessFixture } from './peer-access.contract.ts';
