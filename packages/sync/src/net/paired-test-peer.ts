import { Repo, type DocHandle } from '@automerge/automerge-repo';
import type { RootDoc } from '../catalog/root-doc.ts';
import { findDoc } from './find-doc.ts';
import { followRootDoc } from './follow-root-doc.ts';
import { createLibraryAccess, type LibraryAccess } from './library-access.ts';
import { Libp2pNetworkAdapter } from './libp2p-network-adapter.ts';
import { LOOPBACK_TCP } from './loopback-stream.ts';
import type { PeerNode, PeerNodeInit } from './peer-node.ts';
import { pairWithCode, type PairingResult } from './pairing-client.ts';
import { parsePairingLink } from './pairing-link.ts';
import { createSwitchableAccess } from './switchable-access.ts';

/** A device of a real home node's library, in the test's process (see `pairTestPeer`). */
export interface PairedTestPeer {
  node: PeerNode;
  /** in memory, syncing with the library's peers */
  repo: Repo;
  /** what pairing gave (`homeNode` is the node that paired it) */
  grant: PairingResult;
  library: LibraryAccess;
  /** the library's root document, followed: its devices and revocations keep `library` true */
  root: DocHandle<RootDoc>;
  /** Shuts the repo down, then stops the node. */
  stop(): Promise<void>;
}

/**
 * Pairs a fresh loopback node, named `name`, with the home node of the `hearth://pair` link
 * `linkText`, as a phone would: the node and its repo exist before the library is known,
 * then it trusts the home node, syncs and follows the root document. `create` is the
 * platform's `createPeerNode` (a parameter so this stays portable). A failure stops what was
 * started; on success the caller stops it.
 */
export async function pairTestPeer(
  create: (init: PeerNodeInit) => Promise<PeerNode>,
  linkText: string,
  name: string,
): Promise<PairedTestPeer> {
  const access = createSwitchableAccess();
  const node = await create({ ...LOOPBACK_TCP, access });
  const adapter = new Libp2pNetworkAdapter({ node, access, readyTimeoutMs: 500 });
  const repo = new Repo({ network: [adapter], peerId: node.peerId.toString() as never });
  const stop = async (): Promise<void> => {
    await repo.shutdown().catch(() => {});
    await node.stop();
  };
  try {
    const grant = await pairWithCode(node, parsePairingLink(linkText), { name });
    const library = createLibraryAccess({
      libraryPublicKey: grant.libraryPublicKey,
      trusted: [grant.homeNode, node.peerId.toString()],
    });
    access.use(library);
    adapter.refresh();
    const root = await findDoc<RootDoc>(repo, grant.rootDocUrl as never, 30_000);
    followRootDoc(root, library, () => adapter.refresh());
    return { node, repo, grant, library, root, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
