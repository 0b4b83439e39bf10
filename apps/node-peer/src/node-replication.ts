/**
 * The home node's replicator: it pins every original and derivative the synced catalog
 * lists (`homeNodePolicy`) and fetches what it does not hold from paired peers over
 * `/hearth/blob/2` — originals a device added, or everything when this is a second home
 * node. A fetched original is recorded in the catalog with this node among its holders, so
 * devices (and the other node's `hearth status`) see it backed up here, and imported into the
 * node's own library like an upload (`importer`), so `hearth ls`, the reconcile loop
 * (thumbnails, previews, ML) and export include it.
 *
 * The synced catalog is opened only once a paired peer is connected (there is nobody to
 * fetch from before), which keeps an idle node's memory small. Full passes run on start,
 * when a paired peer connects and when the root document changes (a device paired); a
 * catalog change (debounced) runs a pass over the assets it touched, and the retry after a
 * failure one over the assets that failed.
 */
import {
  createBlobClient,
  createReplicator,
  homeNodePolicy,
  type Asset,
  type AssetId,
  type AssetBlobs,
  type BlobHash,
  type BlobKind,
  type Catalog,
  type MonthKey,
  type NewAsset,
  type Pin,
  type ReplicationProgress,
} from '@hearth/sync';
import { nodeHashing } from '@hearth/sync/platform';
import type { Library } from './library.ts';
import type { PeerServices } from './peer-services.ts';
import { createReplicaCensus } from './replica-census.ts';
import type { createReplicaImporter } from './replica-import.ts';
import type { ReplicationStatus } from './replication-status.ts';

/** The running replicator of the daemon. */
export interface NodeReplication {
  status(): ReplicationStatus | null;
  stop(): Promise<void>;
}

/** Derived outputs by their catalog name (see catalog-projection.ts). */
const KIND: Record<string, BlobKind> = {
  thumbnail: 'thumbnail',
  preview: 'preview',
  playback: 'transcode',
  poster: 'preview',
};

/** An asset's blobs as the pin policy reads them; derivative sizes are not in the catalog (0: learnt on fetch). */
export function assetBlobs(a: Asset): AssetBlobs {
  return {
    assetId: a.id,
    capturedAt: a.capturedAt,
    importedBy: a.addedBy,
    blobs: [
      { kind: 'original', hash: a.id as string as BlobHash, size: a.size },
      ...Object.entries(a.derived).map(([name, d]) => ({
        kind: KIND[name] ?? 'preview',
        hash: d.hash,
        size: 0,
      })),
    ],
  };
}

/** The record that adds this node to an asset's holders (an existing asset changes nothing else). */
function holderRecord(a: Asset): NewAsset {
  const n: NewAsset = {
    id: a.id,
    type: a.type,
    mime: a.mime,
    size: a.size,
    capturedAt: a.capturedAt,
    width: a.width,
    height: a.height,
  };
  return n;
}

export function startNodeReplication(opts: {
  lib: Library;
  peers: PeerServices;
  log: (line: string) => void;
  /** Fetches in flight (default 4). */
  concurrency?: number;
  /** Imports each fetched original into the library (the daemon's upload importer). */
  importer?: ReturnType<typeof createReplicaImporter>;
}): NodeReplication {
  const { lib, peers } = opts;
  const self = peers.deviceId as string;
  const client = createBlobClient({
    node: peers.node,
    store: lib.blobs,
    access: peers.access,
    hashing: nodeHashing,
  });
  const policy = homeNodePolicy();
  let catalog: Catalog | undefined;
  let unsubscribe: (() => void) | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  // A full pass checks every blob of the library (hundreds of thousands of stats at 100k
  // assets); a catalog change only needs the assets it touched.
  let fullNext = true;
  let fullNow = true;
  const dirty = new Set<AssetId>();
  /**
   * Months a change named without its assets: a shard that reached this node whole (after the
   * root listed it, so a full pass begun on that root change may have missed it) or moved on while
   * closed. The next pass reads them whole.
   */
  const dirtyMonths = new Set<MonthKey>();
  /** Blobs held as of the last full pass, plus those fetched since. */
  const totals = { held: 0 };
  /** Pinned blobs whose fetch failed and that were not fetched since (a full pass starts over). */
  const missing = new Set<BlobHash>();
  const pairedOnline = () => peers.node.getPeers().some((p) => peers.access.isPaired(p.toString()));

  async function open(): Promise<Catalog> {
    if (catalog) return catalog;
    const c = await peers.catalog();
    catalog = c;
    unsubscribe = c.onChange((change) => {
      for (const id of change.assets) dirty.add(id);
      if (change.assets.length === 0) for (const m of change.months) dirtyMonths.add(m);
      clearTimeout(debounce);
      debounce = setTimeout(() => replicator.poke(), 500);
      debounce.unref();
    });
    return c;
  }

  // What the passes saw, for status.
  const census = createReplicaCensus(self, peers.root);
  /** Every asset, month by month: a lazy catalog holds only a budget of shards at a time. */
  async function assets(c: Catalog): Promise<Asset[]> {
    census.clear();
    return inMonths(c, c.months());
  }
  async function inMonths(c: Catalog, months: readonly MonthKey[]): Promise<Asset[]> {
    const out: Asset[] = [];
    for (const m of months) {
      await c.openMonths([m]);
      out.push(...c.monthAssets(m));
    }
    out.forEach(census.note);
    return out;
  }
  async function assetsById(c: Catalog, ids: readonly AssetId[]): Promise<Asset[]> {
    const out: Asset[] = [];
    for (const id of ids) {
      await c.openAssets([id]);
      const a = c.getAsset(id);
      if (a) out.push(a);
      if (a) census.note(a);
      else census.forget(id);
    }
    return out;
  }

  /** Originals handed to the importer by this process: each is tried once (a failure is not retried). */
  const tried = new Set<AssetId>();
  let importing: Promise<unknown> = Promise.resolve();
  const importOnce = (id: AssetId, fileName: string | undefined) => {
    if (!opts.importer || tried.has(id)) return importing;
    tried.add(id);
    const importer = opts.importer;
    importing = importing.then(() => importer.importHeld(id as string as BlobHash, fileName));
    return importing;
  };
  /**
   * Originals held but not in the node's journal (fetched before a crash, or by a node without
   * the importer): imported in the background after a full pass, once per process.
   */
  function catchUp(list: readonly Asset[]): void {
    if (!opts.importer) return;
    for (const a of list) {
      if (tried.has(a.id) || lib.catalog.get(a.id)) continue;
      void lib.blobs.has(a.id as string as BlobHash).then(
        (held) => held && importOnce(a.id, a.fileName),
        () => undefined, // unreadable store: the next full pass looks again
      );
    }
  }

  const replicator = createReplicator({
    store: lib.blobs,
    concurrency: opts.concurrency ?? 4,
    fetcher: client,
    source: {
      async *pins(): AsyncIterable<Pin> {
        fullNow = fullNext;
        fullNext = false;
        if (!catalog && !pairedOnline()) {
          fullNext = true; // nothing looked at yet
          return;
        }
        const c = await open();
        const ids = [...dirty];
        const months = [...dirtyMonths];
        dirty.clear();
        dirtyMonths.clear();
        if (fullNow) missing.clear();
        let some: Asset[];
        if (fullNow) some = await assets(c);
        else {
          const whole = await inMonths(c, months);
          const read = new Set(whole.map((a) => a.id));
          some = [
            ...whole,
            ...(await assetsById(
              c,
              ids.filter((id) => !read.has(id)),
            )),
          ];
        }
        if (fullNow) catchUp(some);
        for (const a of some) yield* await policy.pins(assetBlobs(a));
      },
    },
    // The retry (after `retryAfterMs`) looks at these assets again, not at the whole library.
    onFailed: (pin) => {
      dirty.add(pin.assetId);
      missing.add(pin.hash);
    },
    onFetched: async (pin) => {
      missing.delete(pin.hash);
      if (pin.kind === 'original') await catalog?.openAssets([pin.assetId]);
      const a = pin.kind === 'original' ? catalog?.getAsset(pin.assetId) : undefined;
      if (a && catalog) await catalog.addAssets([holderRecord(a)]);
      // Once per fetch: a failed import is counted in status, not retried.
      if (pin.kind === 'original' && !lib.catalog.get(pin.assetId))
        await importOnce(pin.assetId, a?.fileName);
    },
  });
  /**
   * Held and pinned with a pass's progress: a full pass counts everything, an incremental one
   * adds what it fetched (blobs of new assets that were already held are counted by the next
   * full pass); pinned = held + still queued + failed.
   */
  function withPass(p: ReplicationProgress): { pinned: number; held: number } {
    const held = fullNow ? p.held : totals.held + p.filesDone;
    return { held, pinned: held + p.filesLeft + missing.size };
  }
  let last = '';
  replicator.addEventListener('idle', (e) => {
    const p = { ...(e as CustomEvent<ReplicationProgress>).detail };
    Object.assign(p, withPass(p));
    totals.held = p.held;
    const line = `replication: ${p.held} of ${p.pinned} pinned blobs held${p.failed ? `, ${p.failed} failed (retrying)` : ''}`;
    if (line !== last && p.pinned > 0) opts.log(line);
    last = line;
  });
  const full = () => {
    fullNext = true;
    replicator.poke();
  };
  const onConnect = (e: Event) => {
    const peer = (e as CustomEvent<{ toString(): string }>).detail;
    if (peers.access.isPaired(peer.toString())) full();
  };
  peers.node.addEventListener('peer:connect', onConnect);
  // A device pairing over an open connection: it is paired once the root document says so.
  const onRootChange = full;
  peers.root.on('change', onRootChange);
  void replicator.start();

  return {
    status() {
      if (!catalog) return null;
      const p = replicator.progress();
      Object.assign(p, p.running ? withPass(p) : { held: totals.held, pinned: totals.held + missing.size });
      return {
        ...p,
        ...census.summary(),
        ...(opts.importer ? { imports: opts.importer.counts() } : {}),
      };
    },
    async stop() {
      peers.node.removeEventListener('peer:connect', onConnect);
      peers.root.off('change', onRootChange);
      clearTimeout(debounce);
      unsubscribe?.();
      await replicator.stop();
      await importing;
      client.stop();
    },
  };
}
