/**
 * The asset shards a catalog knows, open or not. Each shard has a state (`shard-state.ts`):
 * its asset ids and heads (from its summary while closed, from the document while open) and,
 * while open, its DocHandle. Where every asset lives is known for every shard with a summary
 * (`shard-locations.ts`), so a lazy catalog answers "which shard holds this photo" and "how many
 * in this month" without loading a document.
 *
 * Lazy mode (`lazy` set, repo with storage): a shard is opened in the repo when it is edited,
 * when a peer sends a sync message for it, or when a persistent peer connects whose last
 * recorded sync state with us is behind the shard. A shard that is only read gets a read-only
 * copy loaded straight from storage instead (`read`): a repo handle costs several times the
 * memory, because automerge-repo loads a document incrementally and then diffs it in full.
 * The budget (`maxOpen`, copies and handles together) holds at open time; `shard-eviction.ts`
 * decides what leaves memory. Eager mode keeps every opened shard (small libraries, tests, no
 * storage).
 */
import { free as freeDoc, getHeads, load as loadDoc } from '@automerge/automerge';
import {
  encodeHeads,
  type DocHandle,
  type DocHandleChangePayload,
  type DocumentId,
  type PeerId,
  type PeerMetadata,
  type Repo,
  type RepoMessage,
} from '@automerge/automerge-repo';
import { validateShardDoc, type AssetShardDoc } from './asset-shard-doc.ts';
import { InvalidCatalogDataError } from './catalog-errors.ts';
import type { ShardKey } from './shard-key.ts';
import { createShardEviction } from './shard-eviction.ts';
import { createShardLocations } from './shard-locations.ts';
import { newShardState, type LazyShardOptions, type ShardState } from './shard-state.ts';
import {
  decodeShardSummary,
  encodeShardSummary,
  repoSummaryStore,
  sameHeads,
  SUMMARY_NAMESPACE,
} from './shard-summary.ts';

export type { LazyShardOptions, ShardState } from './shard-state.ts';

export type ShardSet = ReturnType<typeof createShardSet>;

export function createShardSet(opts: {
  repo: Repo;
  lazy: LazyShardOptions | undefined;
  /** a shard's assets changed (ids touched; empty: the whole shard may differ) */
  onChange: (s: ShardState, ids: string[]) => void;
  /** a document arrived malformed (skipped, never thrown) */
  report: (where: string, reason: string) => void;
}) {
  const { repo } = opts;
  const store = repoSummaryStore(repo);
  const lazy = opts.lazy && store ? { maxOpen: 12, idleMs: 10_000, ...opts.lazy } : undefined;
  const shards = new Map<ShardKey, ShardState>();
  const byDoc = new Map<DocumentId, ShardState>();
  const { location, hold, drop, setIds } = createShardLocations(shards);
  const opening = new Map<ShardKey, Promise<DocHandle<AssetShardDoc>>>();
  const reading = new Map<ShardKey, Promise<void>>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let background: Promise<void> = Promise.resolve();
  let stopped = false;
  const eviction = lazy
    ? createShardEviction({ repo, lazy, shards, byDoc, writeSummary, dropView, isStopped: () => stopped })
    : undefined;
  const scheduleEvict = () => eviction?.schedule();

  /** Registers a shard listed in the root (closed, not yet known). */
  function list(key: ShardKey, url: string): ShardState | undefined {
    const existing = shards.get(key);
    if (existing) return existing;
    const s = newShardState(key, url);
    if (!s) return undefined;
    shards.set(key, s);
    byDoc.set(s.docId, s);
    return s;
  }

  /** Reads a listed shard's summary; true when it is known without opening the document. */
  async function loadSummary(s: ShardState): Promise<boolean> {
    if (s.known || !store) return s.known;
    const bytes = await store.load(s.key);
    const summary = bytes ? decodeShardSummary(bytes) : undefined;
    if (!summary?.ok || s.known) return s.known;
    setIds(s, summary.value.ids);
    s.heads = summary.value.heads;
    s.changedAt = summary.value.changedAt;
    s.known = true;
    return true;
  }

  /** Checks a shard's document (a bad one throws, nothing changes). */
  function check(s: ShardState, doc: AssetShardDoc): AssetShardDoc {
    const checked = validateShardDoc(doc);
    if (!checked.ok) throw new InvalidCatalogDataError(`shard ${s.key} (${s.url})`, checked.reason);
    return checked.value;
  }
  /** Takes a loaded document's ids and heads over the summary's. */
  function refresh(s: ShardState, doc: AssetShardDoc, heads: string[]): void {
    s.lastUsed = Date.now();
    if (s.known && sameHeads(heads, s.heads)) return;
    const wasKnown = s.known;
    setIds(s, Object.keys(doc.assets));
    s.heads = heads;
    s.known = true;
    markDirty(s);
    // It moved on while closed (synced, or its summary lagged behind a crash), or came back.
    if (wasKnown || s.refetch) opts.onChange(s, []);
    s.refetch = false;
  }
  function dropView(s: ShardState): void {
    const v = s.view;
    s.view = undefined;
    if (v) freeDoc(v);
  }

  /** Attaches an available handle to its shard (validated: a bad document throws). */
  function attach(s: ShardState, handle: DocHandle<AssetShardDoc>): void {
    if (s.handle === handle) return;
    const doc = check(s, handle.doc());
    const onChange = (p: DocHandleChangePayload<AssetShardDoc>) => changed(s, p);
    handle.on('change', onChange);
    s.handle = handle;
    s.off = () => handle.off('change', onChange);
    dropView(s);
    refresh(s, doc, handle.heads());
  }

  /** The document to read a shard from: its open handle's, else its read-only copy. */
  function docOf(s: ShardState): AssetShardDoc | undefined {
    return s.handle?.doc() ?? s.view;
  }

  /**
   * Makes a shard readable (`docOf`). Lazy: when the repo does not hold it, a read-only copy
   * is loaded from storage (what is stored is current: an open shard is flushed before it is
   * evicted). A document not in storage yet is opened through the repo (a peer may have it).
   */
  async function read(s: ShardState): Promise<void> {
    if (s.evicting) await s.evicting;
    s.lastUsed = Date.now();
    if (s.handle || s.view) return;
    const storage = repo.storageSubsystem;
    if (!lazy || !storage || repo.handles[s.docId]) return void (await open(s));
    let p = reading.get(s.key);
    if (!p) {
      p = (async () => {
        const bytes = await storage.loadDocData(s.docId);
        if (s.handle || s.view) return;
        if (!bytes || repo.handles[s.docId]) return void (await open(s));
        let doc: AssetShardDoc;
        try {
          doc = loadDoc<AssetShardDoc>(bytes);
        } catch (e) {
          await dropStored(s);
          throw new InvalidCatalogDataError(
            `shard ${s.key} (${s.url})`,
            `stored copy unreadable (${String(e)}); dropped, sync fetches it again`,
          );
        }
        try {
          check(s, doc);
        } catch (e) {
          freeDoc(doc);
          throw e;
        }
        s.view = doc;
        refresh(s, doc, encodeHeads(getHeads(doc)));
        scheduleEvict();
      })().finally(() => reading.delete(s.key));
      reading.set(s.key, p);
    }
    await p;
  }

  /**
   * Forgets a shard whose stored bytes do not load (corrupt on disk, or bad bytes a peer sent):
   * they and its summary are removed and it goes back to unknown, so it is not counted and a
   * peer's sync message opens it afresh through the repo. Its assets were unreadable anyway.
   */
  async function dropStored(s: ShardState): Promise<void> {
    const storage = repo.storageSubsystem;
    await storage?.removeDoc(s.docId);
    await storage?.remove(SUMMARY_NAMESPACE, s.key);
    for (const id of [...s.ids]) drop(s, id);
    s.heads = [];
    s.known = false;
    s.refetch = true;
    s.dirty = false;
    opts.onChange(s, []);
  }

  function changed(s: ShardState, { doc, patches }: DocHandleChangePayload<AssetShardDoc>): void {
    const checked = validateShardDoc(doc);
    if (!checked.ok) return opts.report(`shard ${s.key}`, checked.reason);
    const ids = new Set<string>();
    for (const p of patches) {
      const sub = p.path[1];
      if (typeof sub === 'string') ids.add(sub.split('/')[0]!);
    }
    for (const id of ids) {
      const has = doc.assets[id] !== undefined;
      if (has && !s.ids.has(id)) hold(s, id);
      else if (!has && s.ids.has(id)) drop(s, id);
    }
    s.heads = s.handle?.heads() ?? s.heads;
    s.changedAt = s.lastUsed = Date.now();
    markDirty(s);
    opts.onChange(s, [...ids]);
  }

  /** Opens a shard's document (from storage or a peer); concurrent calls share one load. */
  async function open(s: ShardState): Promise<DocHandle<AssetShardDoc>> {
    if (s.evicting) await s.evicting;
    s.lastUsed = Date.now();
    if (s.handle) return s.handle;
    let p = opening.get(s.key);
    if (!p) {
      p = (async () => {
        const handle = await repo.find<AssetShardDoc>(s.url);
        attach(s, handle);
        scheduleEvict();
        return handle;
      })().finally(() => opening.delete(s.key));
      opening.set(s.key, p);
    }
    return p;
  }

  /** Runs `fn` on an open shard, keeping it from eviction meanwhile. */
  async function use<T>(s: ShardState, fn: (h: DocHandle<AssetShardDoc>) => T): Promise<T> {
    s.pins++;
    try {
      return fn(await open(s));
    } finally {
      s.pins--;
      s.lastUsed = Date.now();
    }
  }

  function markDirty(s: ShardState): void {
    s.dirty = true;
    if (store && !flushTimer && !stopped) flushTimer = setTimeout(() => void flushSummaries(), 1000);
  }

  /** Writes every changed summary, each after its shard was flushed to storage. */
  function flushSummaries(): Promise<void> {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    flushing = flushing.then(async () => {
      for (const s of shards.values()) if (s.dirty) await writeSummary(s);
    });
    return flushing;
  }
  async function writeSummary(s: ShardState): Promise<void> {
    if (!store || !s.dirty) return;
    s.dirty = false;
    if (s.handle) await repo.flush([s.docId]);
    const summary = { heads: s.heads, ids: [...s.ids], changedAt: s.changedAt };
    await store.save(s.key, encodeShardSummary(summary));
  }

  /**
   * A sync message for a shard. Closed: the repo loads it from storage to answer, and we follow
   * its changes. Open: it counts as use, so a shard is not evicted in the middle of a sync.
   */
  const onMessage = (m: RepoMessage) => {
    const s = 'documentId' in m && m.documentId ? byDoc.get(m.documentId) : undefined;
    if (!s || !lazy || stopped) return;
    // Sync traffic is use: a shard is not evicted while a peer is syncing it.
    if (s.handle) s.lastUsed = Date.now();
    // After the repo's own handling has set the document up for this peer: opening it first
    // (a `find` before the repo's) left requests from ephemeral peers unanswered.
    else
      setTimeout(() => {
        if (!s.handle && !stopped) void open(s).catch(() => {});
      }, 0);
  };
  /**
   * A persistent peer connected: open the shards it may lack (its recorded sync state with us is
   * behind the shard, or absent), one at a time, so the repo's sync announces them; they are
   * evicted again once idle. Ephemeral peers ask for what they need.
   */
  const onPeer = ({ peerId, peerMetadata }: { peerId: PeerId; peerMetadata: PeerMetadata }) => {
    const storageId = peerMetadata.storageId;
    const storage = repo.storageSubsystem;
    if (!lazy || !storageId || peerMetadata.isEphemeral || !storage) return;
    background = background.then(async () => {
      for (const s of [...shards.values()]) {
        // A peer that left stops its sweep: the sweep of its next connection comes after this one.
        if (stopped || !repo.peers.includes(peerId)) return;
        if (s.handle || !s.known) continue;
        const state = await storage.loadSyncState(s.docId, storageId);
        if (state && sameHeads(encodeHeads(state.sharedHeads), s.heads)) continue;
        // One budget's worth at a time: each is evicted once its sync went quiet.
        await eviction?.room();
        if (stopped) return;
        await open(s).catch(() => {});
      }
    });
  };

  return {
    shards,
    location,
    lazy: lazy !== undefined,
    list,
    loadSummary,
    attach,
    open,
    read,
    docOf,
    use,
    flushSummaries,
    start() {
      stopped = false;
      repo.networkSubsystem.on('message', onMessage);
      repo.networkSubsystem.on('peer', onPeer);
      eviction?.start();
    },
    async stop() {
      stopped = true;
      eviction?.stop();
      repo.networkSubsystem.off('message', onMessage);
      repo.networkSubsystem.off('peer', onPeer);
      await background;
      await Promise.allSettled([...opening.values(), ...reading.values()]);
      for (const s of shards.values()) await s.evicting;
      await flushSummaries();
      for (const s of shards.values()) {
        s.off?.();
        dropView(s);
      }
    },
  };
}
