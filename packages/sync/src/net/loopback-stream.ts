import type { Stream, StreamHandler } from '@libp2p/interface';
import { onTestFinished } from 'vitest';
import type { PeerNode, PeerNodeInit } from './peer-node.ts';

/** Listen settings for a test node reached over loopback TCP only (no relay service). */
export const LOOPBACK_TCP: PeerNodeInit = { listen: ['/ip4/127.0.0.1/tcp/0'], relayServer: false };

/**
 * A test's one stream between two fresh loopback nodes made by `create` (the platform's
 * `createPeerNode`; a parameter so this stays portable): the first serves `protocol` with
 * `handler`, the second dials it. Both nodes stop when the current test finishes. Call it
 * inside a test.
 */
export async function dialLoopback(
  create: (init: PeerNodeInit) => Promise<PeerNode>,
  protocol: string,
  handler: StreamHandler,
): Promise<Stream> {
  const server = await create(LOOPBACK_TCP);
  onTestFinished(() => server.stop());
  const client = await create(LOOPBACK_TCP);
  onTestFinished(() => client.stop());
  await server.handle(protocol, handler);
  return client.dialProtocol(server.getMultiaddrs()[0]!, protocol);
}
