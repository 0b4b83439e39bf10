/**
 * Lazy mode's memory budget: which shards leave memory, and when. A read-only copy goes as soon
 * as the budget needs it; a repo handle goes once its sync with every connected peer has settled
 * (cut short, a sync restarts from the stored state and can stall) and it was unused for a
 * moment, or once unused for `idleMs` (at least 5 s); never while an edit holds it. Background
 * opens wait here for room (`room`).
 */
import type { SyncState } from '@automerge/automerge';
import { encodeHeads, type DocumentId, type PeerId, type Repo } from '@automerge/automerge-repo';
import type { ShardKey } from './shard-key.ts';
import { inMemory, type LazyLimits, type ShardState } from './shard-state.ts';
import { sameHeads } from './shard-summary.ts';

/** The synchronizer's `sync-state` event (automerge-repo does not export its type). */
interface SyncStateEvent {
  documentId: DocumentId;
  peerId: PeerId;
  syncState: SyncState;
}

/** An unsettled sync keeps a handle at least this long after its last use. */
const settleCapMs = 5_000;

export type ShardEviction = ReturnType<typeof createShardEviction>;

export function createShardEviction(opts: {
  repo: Repo;
  lazy: LazyLimits;
  shards: ReadonlyMap<ShardKey, ShardState>;
  byDoc: ReadonlyMap<DocumentId, ShardState>;
  /** flushes a shard and records its summary (before it leaves memory) */
  writeSummary: (s: ShardState) => Promise<void>;
  /** frees a shard's read-only copy */
  dropView: (s: ShardState) => void;
  isStopped: () => boolean;
}) {
  const { repo, lazy, shards } = opts;
  let evictTimer: ReturnType<typeof setTimeout> | undefined;
  /** background opens waiting for an eviction to make room */
  const roomWaiters: Array<() => void> = [];
  /** A settled handle stays this long after its last use (an edit often follows an edit). */
  const settledGraceMs = Math.min(lazy.idleMs, 1_000);
  /** Each open shard's connected peers' heads, as the repo's sync last reported them. */
  const peerHeads = new Map<DocumentId, Map<PeerId, string[]>>();
  const openCount = () => [...shards.values()].filter(inMemory).length;
  const wakeAll = () => {
    for (const wake of roomWaiters.splice(0)) wake();
  };

  /** Resolves once fewer than `maxOpen` shards are open (or the set stops). */
  async function room(): Promise<void> {
    while (!opts.isStopped() && openCount() >= lazy.maxOpen) {
      const woken = new Promise<void>((r) => roomWaiters.push(r));
      // Ask for an eviction now that a waiter is registered: one that ran before (at open
      // time) saw no waiter, found the set within budget and left this wait without a wake.
      schedule();
      await woken;
    }
  }

  /** Looks for shards to evict soon (after the current task). */
  function schedule(delayMs = 0): void {
    if (evictTimer || opts.isStopped()) return;
    evictTimer = setTimeout(() => {
      evictTimer = undefined;
      void evictIdle();
    }, delayMs);
  }

  async function evictIdle(): Promise<void> {
    // A background sweep waiting for room needs one below the budget.
    const budget = () => (roomWaiters.length > 0 ? lazy.maxOpen - 1 : lazy.maxOpen);
    const open = [...shards.values()].filter((s) => inMemory(s) && !s.evicting);
    const over = open.length - budget();
    if (over <= 0) return;
    const t = Date.now();
    // (Idle time alone let a peer's sync messages open shards faster than they went: 757 MiB
    // while a fresh peer bootstrapped 100k assets.)
    const idle = open
      .filter((s) => {
        if (s.pins > 0) return false;
        if (!s.handle) return true;
        const unused = t - s.lastUsed;
        return (settled(s) && unused >= settledGraceMs) || unused >= Math.max(lazy.idleMs, settleCapMs);
      })
      .sort((a, b) => a.lastUsed - b.lastUsed)
      .slice(0, over);
    for (const s of idle) await (s.evicting = evict(s).finally(() => (s.evicting = undefined)));
    // Still too many in use: look again later (sooner when a sync settles: onSyncState).
    const still = [...shards.values()].filter((s) => inMemory(s) && !s.evicting).length - budget();
    if (still > 0) schedule(Math.max(lazy.idleMs, 1000));
  }

  /** Every connected peer's last reported heads for this shard equal ours. */
  function settled(s: ShardState): boolean {
    const ours = s.handle?.heads() ?? s.heads;
    const theirs = peerHeads.get(s.docId);
    return repo.peers.every((p) => {
      const h = theirs?.get(p);
      return h !== undefined && sameHeads(h, ours);
    });
  }

  async function evict(s: ShardState): Promise<void> {
    if (!s.handle) {
      opts.dropView(s);
      await opts.writeSummary(s);
      lazy.onEvict?.(s.key);
      wakeAll();
      return;
    }
    const used = s.lastUsed;
    s.dirty = true; // record the heads it is evicted at, after the repo flushed them
    await opts.writeSummary(s);
    // Used meanwhile (a sync message, an edit, a read): it stays; the next sweep looks again.
    if (!s.handle || s.pins > 0 || opts.isStopped() || s.lastUsed !== used) return;
    const handle = s.handle;
    peerHeads.delete(s.docId);
    s.off?.();
    s.handle = s.off = undefined;
    // automerge-repo 2.5's unload swaps in an empty document and announces it as a change:
    // its still-registered save listener would then store the empty document as a snapshot
    // and delete the real chunks. The handle is being dropped, so drop its listeners first.
    handle.removeAllListeners('heads-changed');
    handle.removeAllListeners('change');
    await repo.removeFromCache(s.docId);
    lazy.onEvict?.(s.key);
    wakeAll();
  }

  const onSyncState = ({ documentId, peerId, syncState }: SyncStateEvent) => {
    const s = opts.byDoc.get(documentId);
    if (!s?.handle || opts.isStopped()) return;
    let m = peerHeads.get(documentId);
    if (!m) peerHeads.set(documentId, (m = new Map()));
    m.set(peerId, syncState.theirHeads ? encodeHeads(syncState.theirHeads) : []);
    if (roomWaiters.length > 0 || openCount() > lazy.maxOpen) schedule();
  };

  return {
    room,
    schedule,
    start() {
      repo.synchronizer.on('sync-state', onSyncState);
    },
    /** Wakes every waiter and cancels a pending sweep (the set is stopping). */
    stop() {
      wakeAll();
      repo.synchronizer.off('sync-state', onSyncState);
      clearTimeout(evictTimer);
      evictTimer = undefined;
    },
  };
}
