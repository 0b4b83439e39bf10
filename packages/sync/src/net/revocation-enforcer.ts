import type { Libp2p } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import type { PeerAccess } from './peer-access.ts';

/**
 * Cuts a device off the moment its revocation is known: every connection to it is closed
 * (`hangUp`), which ends all its streams whatever protocol they carry. Reconnection is
 * then refused by the connection gater and by each protocol's access check.
 * `beforeHangUp` runs first (bounded by its own timeout): a device tells the revoked one it
 * was removed over the connection about to close (`tellRevokedPeer`); protocols already
 * refuse the peer meanwhile. Returns the function that stops enforcing.
 */
export function enforceRevocations(
  node: Pick<Libp2p, 'hangUp'>,
  access: PeerAccess,
  onError?: (e: unknown) => void,
  beforeHangUp?: (peer: string) => Promise<unknown>,
): () => void {
  return access.onRevoked((peer) => {
    void Promise.resolve(beforeHangUp?.(peer))
      .catch((e: unknown) => onError?.(e))
      .then(() => node.hangUp(peerIdFromString(peer)))
      .catch((e: unknown) => onError?.(e));
  });
}
