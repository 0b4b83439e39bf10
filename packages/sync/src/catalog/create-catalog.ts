import { parseAutomergeUrl, type AutomergeUrl, type DocHandle, type Repo } from '@automerge/automerge-repo';
import type { AlbumId, AssetId, DeviceId } from '../ids.ts';
import { createAlbumSet } from './album-set.ts';
import * as assetEdits from './asset-edits.ts';
import type { Asset, NewAsset } from './asset-record.ts';
import type { AssetShardDoc } from './asset-shard-doc.ts';
import { readAsset, readShard } from './asset-view.ts';
import type { Catalog, CatalogChange } from './catalog.ts';
import { AssetNotFoundError, InvalidCatalogDataError, InvalidCatalogInputError } from './catalog-errors.ts';
import { Listeners } from './listeners.ts';
import type { RootDoc } from './root-doc.ts';
import { readRootIndex } from './root-doc-validation.ts';
import { shardDocumentId, shardGenesis, shardUrl } from './shard-doc-id.ts';
import { createShardSet, type LazyShardOptions, type ShardState } from './shard-set.ts';
import { monthOf, shardKey, SHARD_SPLIT_AT, type MonthKey, type ShardKey } from './shard-key.ts';

/** What a catalog needs: a repo, the library's root document, and who is writing. */
export interface CatalogOptions {
  repo: Repo;
  root: DocHandle<RootDoc>;
  deviceId: DeviceId;
  /** clock for added-at/trashed-at times (tests pin it) */
  now?: () => number;
  /**
   * Open asset shards and albums on demand and evict idle shards (needs a repo with storage;
   * see shard-set.ts). Reads of a month, an asset or an album then need `openMonths`,
   * `openAssets` or `openAlbums` first; edits of a closed shard or album apply once it is
   * open. Absent: every shard and album is opened at start.
   */
  lazyShards?: LazyShardOptions;
}

/** Creates the catalog over a repo and a root document (see Catalog). */
export function createCatalog(opts: CatalogOptions): Catalog {
  const { repo, root, deviceId } = opts;
  const now = opts.now ?? Date.now;
  const opening = new Map<string, Promise<void>>();
  const changes = new Listeners<CatalogChange>();
  const invalid = new Listeners<InvalidCatalogDataError>();
  let started = false;

  const report = (where: string, reason: string) => invalid.emit(new InvalidCatalogDataError(where, reason));
  const set = createShardSet({
    repo,
    lazy: opts.lazyShards,
    report,
    onChange: (s, ids) => changes.emit({ assets: ids as AssetId[], albums: [], months: [s.month] }),
  });
  const { shards, location } = set;
  const albums = createAlbumSet({
    repo,
    root,
    deviceId,
    now,
    lazy: set.lazy,
    report,
    problem: (e) => invalid.emit(e),
    emit: (ids) => changes.emit({ assets: [], albums: ids, months: [] }),
    retryWhenReady: (url) => retryWhenReady(url),
  });
  const isReadable = (s: ShardState) => s.handle !== undefined || s.view !== undefined;

  /** Makes a listed shard visible: from its summary (lazy) or by opening it. */
  async function openShard(key: ShardKey, url: string): Promise<void> {
    const s = set.list(key, url);
    if (!s) return report(`shard ${key}`, 'malformed shard key');
    try {
      if (set.lazy && (await set.loadSummary(s)))
        return changes.emit({ assets: [], albums: [], months: [s.month] });
      await set.open(s);
      changes.emit({ assets: [], albums: [], months: [s.month] });
    } catch (e) {
      if (e instanceof InvalidCatalogDataError) return invalid.emit(e);
      // Not here yet (no connected peer has it): retried once its handle becomes ready.
      opening.delete(`s:${key}`);
      retryWhenReady(url);
      report(`shard ${key} (${url})`, `could not be opened yet: ${String(e)}`);
    }
  }

  /** Opens whatever the root lists that is not open yet. */
  async function syncRoot(): Promise<void> {
    const index = readRootIndex(root.doc());
    if (!index.ok) return report(`root ${root.url}`, index.reason);
    for (const reason of index.value.invalid) report(`root ${root.url}`, reason);
    const work: Promise<void>[] = [];
    const once = (k: string, open: () => Promise<void>) => {
      let p = opening.get(k);
      if (!p) opening.set(k, (p = open()));
      work.push(p);
    };
    // A document already waiting for its handle to become ready is retried by that wait.
    for (const [key, url] of index.value.shards)
      if (!shards.get(key)?.known && !isWaiting(url)) once(`s:${key}`, () => openShard(key, url));
    work.push(...albums.list(index.value.albums as Map<AlbumId, string>, isWaiting));
    await Promise.all(work);
  }
  const onRootChange = () => void syncRoot();
  /** Documents whose open failed and that wait (once each) for their handle to become ready. */
  const waiting = new Set<string>();
  /** After a failed open, retry once the (cached) handle becomes ready through sync or import. */
  const retryWhenReady = (url: string) => {
    const id = parseAutomergeUrl(url as AutomergeUrl).documentId;
    const h = repo.handles[id];
    if (!h || waiting.has(id)) return;
    waiting.add(id);
    h.whenReady().then(
      () => {
        waiting.delete(id);
        if (started) void syncRoot();
      },
      () => waiting.delete(id),
    );
  };
  const isWaiting = (url: string) => waiting.has(parseAutomergeUrl(url as AutomergeUrl).documentId);

  async function createShard(key: ShardKey): Promise<ShardState> {
    const libraryId = String(root.doc().libraryId);
    const docId = await shardDocumentId(libraryId, key);
    const url = await shardUrl(libraryId, key);
    const existing = shards.get(key);
    if (existing?.known) {
      await set.open(existing);
      return existing;
    }
    const handle = repo.import<AssetShardDoc>(shardGenesis(key), { docId });
    if (!handle.isReady()) handle.doneLoading();
    set.attach(set.list(key, url)!, handle);
    root.change((r) => {
      if (r.shards[key] !== url) r.shards[key] = url;
    });
    return shards.get(key)!;
  }

  /** The shard a new asset of `month` goes to: the last split with room, or a new split. */
  async function shardWithRoom(month: MonthKey): Promise<ShardState> {
    let last: ShardState | undefined;
    for (const s of shards.values())
      if (s.known && s.month === month && (!last || s.split > last.split)) last = s;
    if (last && last.ids.size < SHARD_SPLIT_AT) return last;
    return createShard(shardKey(month, last ? last.split + 1 : 0));
  }

  function shardOf(id: AssetId): ShardState {
    const key = location.get(id);
    const s = key === undefined ? undefined : shards.get(key);
    if (!s) throw new AssetNotFoundError(id);
    return s;
  }

  /** Edits an asset's shard: at once when open, else once it is opened (lazy catalogs). */
  function editShard(s: ShardState, fn: (d: AssetShardDoc) => void): void {
    if (s.handle) {
      s.lastUsed = Date.now();
      s.handle.change(fn);
      return;
    }
    set
      .use(s, (h) => h.change(fn))
      .catch((e: unknown) => report(`shard ${s.key}`, `edit not applied: ${String(e)}`));
  }

  const editAsset = (id: AssetId, fn: (d: AssetShardDoc) => void) => editShard(shardOf(id), fn);

  function months(): MonthKey[] {
    return [...new Set([...shards.values()].filter((s) => s.known).map((s) => s.month))].sort().reverse();
  }

  function shardsOfMonth(month: MonthKey): ShardState[] {
    return [...shards.values()].filter((s) => s.known && s.month === month).sort((a, b) => a.split - b.split);
  }

  async function openAll(list: Iterable<ShardState>): Promise<void> {
    for (const s of list) if (!isReadable(s)) await set.read(s);
  }

  return {
    async start() {
      if (started) return;
      started = true;
      root.on('change', onRootChange);
      set.start();
      await syncRoot();
    },
    async stop() {
      if (!started) return;
      started = false;
      root.off('change', onRootChange);
      await Promise.allSettled(opening.values());
      await albums.stop();
      await set.stop();
      changes.clear();
      invalid.clear();
    },

    async addAssets(input) {
      input.forEach(assetEdits.checkNewAsset);
      const at = now();
      const added: AssetId[] = [];
      const existing: AssetId[] = [];
      const byMonth = new Map<MonthKey, NewAsset[]>();
      const seen = new Set<string>();
      for (const a of input) {
        if (seen.has(a.id)) continue;
        seen.add(a.id);
        const key = location.get(a.id);
        if (key !== undefined) {
          existing.push(a.id);
          await set.use(shards.get(key)!, (h) => h.change((d) => assetEdits.addRecord(d, a, deviceId, at)));
          continue;
        }
        const month = monthOf(a.capturedAt, a.tzOffsetMin ?? 0);
        byMonth.set(month, [...(byMonth.get(month) ?? []), a]);
      }
      for (const [month, list] of byMonth) {
        let rest = list;
        while (rest.length > 0) {
          const s = await shardWithRoom(month);
          const batch = rest.slice(0, Math.max(1, SHARD_SPLIT_AT - s.ids.size));
          rest = rest.slice(batch.length);
          await set.use(s, (h) =>
            h.change((d) => {
              for (const a of batch) (assetEdits.addRecord(d, a, deviceId, at) ? added : existing).push(a.id);
            }),
          );
        }
      }
      return { added, existing };
    },
    getAsset(id) {
      const key = location.get(id);
      const s = key === undefined ? undefined : shards.get(key);
      const doc = s && set.docOf(s);
      if (!s || !doc) return undefined;
      s.lastUsed = Date.now();
      const r = readAsset(doc, id);
      if (r.ok) return r.value;
      report(`shard ${s.key}`, r.reason);
      return undefined;
    },
    monthAssets(month) {
      const out = new Map<string, Asset>();
      for (const s of shardsOfMonth(month)) {
        const doc = set.docOf(s);
        if (!doc) continue;
        s.lastUsed = Date.now();
        const { assets, invalid: bad } = readShard(doc);
        for (const reason of bad) report(`shard ${s.key}`, reason);
        for (const a of assets) if (!out.has(a.id)) out.set(a.id, a);
      }
      return [...out.values()].sort((a, b) => b.capturedAt - a.capturedAt || (a.id < b.id ? -1 : 1));
    },
    months,
    assetCount: () => location.size,
    hasAsset: (id) => location.has(id),
    monthVersion(month) {
      return shardsOfMonth(month)
        .map((s) => `${s.key}:${(s.handle?.heads() ?? s.heads).join(',')}`)
        .join(';');
    },
    openMonths: (list) => openAll(list.flatMap(shardsOfMonth)),
    async openAssets(ids) {
      const keys = new Set(ids.map((id) => location.get(id)).filter((k) => k !== undefined));
      await openAll([...keys].map((k) => shards.get(k)!));
    },
    flush: () => set.flushSummaries(),

    setFavorite: (id, v) => editAsset(id, (d) => void (d.favorite[id] = v)),
    setArchived: (id, v) => editAsset(id, (d) => void (d.archived[id] = v)),
    setRating(id, rating) {
      if (!Number.isInteger(rating) || rating < 0 || rating > 5)
        throw new InvalidCatalogInputError(`rating must be an integer 0–5, got ${rating}`);
      editAsset(id, (d) => void (d.rating[id] = rating));
    },
    setDescription: (id, text) => editAsset(id, (d) => void (d.description[id] = text)),
    setTags: (id, tags) => editAsset(id, (d) => assetEdits.setTags(d, id, tags)),
    setDerived: (id, refs) => editAsset(id, (d) => assetEdits.setDerived(d, id, refs)),
    trash(ids) {
      const at = now();
      for (const id of ids) editAsset(id, (d) => void (d.trashedAt[id] = at));
    },
    restore(ids) {
      for (const id of ids) editAsset(id, (d) => void delete d.trashedAt[id]);
    },
    deletePermanently(ids) {
      for (const id of ids) editAsset(id, (d) => assetEdits.deleteRecord(d, id));
      albums.removeAssets(ids);
    },

    ...albums.methods,

    onChange: (l) => changes.add(l),
    onInvalid: (l) => invalid.add(l),
  };
}
