import * as A from '@automerge/automerge';
import { decodeHeads, type PeerId, type Repo } from '@automerge/automerge-repo';

/** What is pending with one peer, in documents (see {@link syncPendingWith}). */
export interface SyncPending {
  /** open documents with changes the peer does not have yet */
  toSend: number;
  /** open documents the peer has changes to that this repo does not have yet */
  toReceive: number;
}

/**
 * Compares every open document with the heads `peer` last reported for it (automerge-repo
 * keeps them per storage id, so they outlive the connection): the sync status "what is
 * pending in each direction". Undefined when the peer's storage id is not known (it has
 * not connected since the repo started, or it keeps no storage).
 *
 * A document counts as to send when the peer's heads are all in ours but differ (we are
 * ahead), or when the peer never reported heads for it; as to receive when the peer has heads
 * we lack. Diverged documents count as to receive until those changes arrive, then as to send.
 */
export function syncPendingWith(repo: Repo, peer: PeerId): SyncPending | undefined {
  const storageId = repo.getStorageIdOfPeer(peer);
  if (storageId === undefined) return undefined;
  const pending: SyncPending = { toSend: 0, toReceive: 0 };
  for (const handle of Object.values(repo.handles)) {
    if (!handle.isReady()) continue;
    const doc = handle.doc() as A.Doc<unknown>;
    const lastHeads = handle.getSyncInfo(storageId)?.lastHeads;
    if (lastHeads === undefined) {
      pending.toSend++;
      continue;
    }
    const theirs = decodeHeads(lastHeads);
    const ours = A.getHeads(doc);
    if (ours.length === theirs.length && ours.every((h) => theirs.includes(h))) continue;
    if (!A.hasHeads(doc, theirs)) pending.toReceive++;
    else pending.toSend++;
  }
  return pending;
}
