import type { Libp2p } from '@libp2p/interface';
import { withTimeout } from './with-timeout.ts';

/** Resolves when `node` has an open connection to `peer` (it may already have one). */
export function whenConnected(node: Libp2p, peer: string, ms = 10_000): Promise<void> {
  if (node.getConnections().some((c) => c.remotePeer.toString() === peer && c.status === 'open'))
    return Promise.resolve();
  let listener: ((e: CustomEvent<{ remotePeer: { toString(): string } }>) => void) | undefined;
  const p = new Promise<void>((resolve) => {
    listener = (e) => {
      if (e.detail.remotePeer.toString() === peer) resolve();
    };
    node.addEventListener('connection:open', listener);
  });
  return withTimeout(p, ms, `connection to ${peer}`).finally(() => {
    if (listener) node.removeEventListener('connection:open', listener);
  });
}

/**
 * Dials `b` from `a` and waits until both ends see the connection: `dial` resolves on the
 * dialler's side before the listener has registered its end.
 */
export async function connectPeers(a: Libp2p, b: Libp2p, ms = 10_000): Promise<void> {
  const seen = whenConnected(b, a.peerId.toString(), ms);
  const addr = b.getMultiaddrs()[0];
  if (!addr) throw new Error(`node ${b.peerId.toString()} has no listen address`);
  await withTimeout(a.dial(addr), ms, `dial ${addr.toString()}`);
  await seen;
}
