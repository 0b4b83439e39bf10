import * as A from '@automerge/automerge';
import { decodeHeads, encodeHeads, type DocumentId, type PeerId, type Repo } from '@automerge/automerge-repo';

/** What is pending with one peer, in documents (see {@link syncPendingWith}). */
export interface SyncPending {
  /** open documents with changes the peer does not have yet */
  toSend: number;
  /** open documents the peer has changes to that this repo does not have yet */
  toReceive: number;
}

/**
 * What this repo's sync rounds have told it about each peer's copy of each document, kept
 * for as long as the repo runs (see {@link followPeerHeads}).
 */
export interface PeerHeadsLog {
  /** heads (url-encoded) the peer is known to hold for the document: reported or shared */
  known(documentId: DocumentId, peer: PeerId): ReadonlySet<string> | undefined;
  stop(): void;
}

/** The synchronizer's `sync-state` event (automerge-repo does not export its type). */
interface SyncStateEvent {
  documentId: DocumentId;
  peerId: PeerId;
  syncState: A.SyncState;
}

/**
 * Records, from every sync round of `repo`, the heads each peer reported and the heads the
 * sync state knows both sides share, per document. Start it with the repo: rounds before it
 * are not seen.
 *
 * Why: a document reopened while already in sync with a peer (a lazy catalog's shard, or a
 * document a third peer's message opened from storage) gets a fresh handle with no reported
 * heads, and the peer never reports them: its side of the sync state already counts the
 * document as in sync (our message carried its heads and no changes), so it answers nothing.
 * The sync state restored for that round still holds the shared heads, and this log keeps what
 * earlier handles heard; either says the peer has our heads.
 */
export function followPeerHeads(repo: Repo): PeerHeadsLog {
  const byDoc = new Map<DocumentId, Map<PeerId, Set<string>>>();
  const onSyncState = ({ documentId, peerId, syncState }: SyncStateEvent) => {
    let peers = byDoc.get(documentId);
    if (!peers) byDoc.set(documentId, (peers = new Map()));
    // Only the latest facts are kept: a peer's copy only grows, and older heads would make
    // the set too large to equal ours (still correct, as every hash in it is the peer's).
    const facts = new Set<string>(encodeHeads(syncState.sharedHeads));
    if (syncState.theirHeads) for (const h of encodeHeads(syncState.theirHeads)) facts.add(h);
    else for (const h of peers.get(peerId) ?? []) facts.add(h);
    peers.set(peerId, facts);
  };
  repo.synchronizer.on('sync-state', onSyncState);
  return {
    known: (documentId, peer) => byDoc.get(documentId)?.get(peer),
    stop: () => void repo.synchronizer.off('sync-state', onSyncState),
  };
}

/**
 * Compares every open document with the heads `peer` last reported for it (automerge-repo
 * keeps them per storage id, so they outlive the connection) and, given `log`, with what
 * earlier sync rounds showed the peer holds: the sync status "what is pending in each
 * direction". Undefined when the peer's storage id is not known (it has not connected since
 * the repo started, or it keeps no storage).
 *
 * A document counts as to send unless the peer is known to hold each of our heads (reported,
 * or shared in the sync state: a document reopened while in sync gets no new report, see
 * {@link followPeerHeads}); as to receive when the peer reported heads we lack. Diverged
 * documents count as to receive until those changes arrive, then as to send.
 */
export function syncPendingWith(repo: Repo, peer: PeerId, log?: PeerHeadsLog): SyncPending | undefined {
  const storageId = repo.getStorageIdOfPeer(peer);
  if (storageId === undefined) return undefined;
  const pending: SyncPending = { toSend: 0, toReceive: 0 };
  for (const handle of Object.values(repo.handles)) {
    if (!handle.isReady()) continue;
    const doc = handle.doc() as A.Doc<unknown>;
    const lastHeads = handle.getSyncInfo(storageId)?.lastHeads;
    if (lastHeads !== undefined && !A.hasHeads(doc, decodeHeads(lastHeads))) {
      pending.toReceive++;
      continue;
    }
    const reported = new Set<string>(lastHeads ?? []);
    const known = log?.known(handle.documentId, peer);
    const has = (h: string) => reported.has(h) || known?.has(h) === true;
    if (!handle.heads().every(has)) pending.toSend++;
  }
  return pending;
}
