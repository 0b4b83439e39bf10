/**
 * This device's side of telling a revoked device it was removed: when the revocation of a
 * device it is connected to reaches it (the root document), the node runs this before cutting
 * that device off (`beforeCutOff`), so a device revoked while it was away from the home node
 * still hears it — from any paired device it reaches over the WebRTC mesh — and shows "This
 * device was removed" instead of only failing to sync.
 */
import { tellRevokedPeer, type PeerNode } from '@hearth/sync';

export interface RevokedPeerTeller {
  /** The node's `beforeCutOff`: sends the signed revocation the root document holds. */
  tell(peer: string): Promise<boolean>;
  /** Where revocations are read from, once the catalog (its root document) is open. */
  use(node: PeerNode, root: { doc(): unknown }, libraryPublicKey: string | undefined): void;
}

export function createRevokedPeerTeller(log?: (line: string) => void): RevokedPeerTeller {
  let from: { node: PeerNode; root: { doc(): unknown }; key: string } | undefined;
  return {
    async tell(peer) {
      if (!from) return false;
      const ok = await tellRevokedPeer(from.node, peer, from.root.doc(), from.key);
      log?.(`revoked device ${peer.slice(-8)} ${ok ? 'told it was removed' : 'could not be told'}`);
      return ok;
    },
    use(node, root, libraryPublicKey) {
      from = libraryPublicKey ? { node, root, key: libraryPublicKey } : undefined;
    },
  };
}
