/**
 * The LibraryClient over the synced Automerge catalog (`Catalog` from @hearth/sync): what the
 * app uses once the device is paired. The catalog does the CRDT work; this adapter maps its
 * records to the UI's shapes (`catalog-records.ts`), keeps the UI's error codes, and serves
 * media from this device's cache, fetching missing thumbnails/previews from the home node on
 * demand, verified first (`catalog-media.ts`); freeing space is `catalog-free-space.ts`.
 * Only types are imported from @hearth/sync, so this file adds no Automerge to a bundle by itself.
 */
import type { AlbumId, Asset, AssetId, Catalog, DeviceId, MonthKey } from '@hearth/sync';
import type { LibraryChange, LibraryClient, MediaKind, NewLocalAsset } from '../library/library-client.ts';
import { AlbumNotFoundError } from '../library/library-errors.ts';
import type { MonthSummary } from '../library/timeline-item.ts';
import type { MediaCache } from './media-cache.ts';
import { homeCopies, type HomeNodeNames } from './backup-copies.ts';
import { createBackupCounter, type BackupCountStore } from './backup-counter.ts';
import { albumView, details, inTimeline, row } from './catalog-records.ts';
import { createCatalogMedia, type RemoteMedia } from './catalog-media.ts';
import { createFreeSpace } from './catalog-free-space.ts';
import { PwaError } from '../errors.ts';

export type { RemoteMedia } from './catalog-media.ts';

const THIRTY_DAYS = 30 * 86_400_000;

/** Backing up needs this device's copy of the original, and it is not (or no longer) here. */
export class OriginalNotHereError extends PwaError {
  constructor(id: string) {
    super(
      'ORIGINAL_NOT_HERE',
      `this device does not hold the original of ${id.slice(0, 12)}…; add the file again`,
    );
  }
}

/** What the adapter needs: a started-by-it catalog, the media cache, and who this device is. */
export interface CatalogLibraryOptions {
  catalog: Catalog;
  media: MediaCache;
  deviceId: DeviceId;
  remote?: RemoteMedia;
  /** A tokened URL of a blob on the home node that a `<video>` can stream (see home-media.ts). */
  streamUrl?: (hash: string) => Promise<string>;
  /** Sends an original to the home node (see home-media.ts `upload`). */
  upload?: (
    hash: string,
    bytes: Blob,
    name: string,
    progress?: (sent: number, total: number) => void,
  ) => Promise<void>;
  /** Whether the home node holds a blob now (see home-media.ts `holds`): "free up space" asks it. */
  holds?: (hash: string) => Promise<boolean>;
  /** The library's home nodes (not revoked), id → name: "backed up on 2 home nodes". */
  homeNodes?: () => Promise<HomeNodeNames>;
  /** Tells when that set changes (home-node-set.ts): `onChange` passes it on as `homeNodes`. */
  onHomeNodesChange?: (listener: () => void) => () => void;
  /** Tells when a home node connects (media may be had now): `onChange` passes it on as `media`. */
  onMediaReachable?: (listener: () => void) => () => void;
  /** Keeps the Back up page's per-month counts between sessions (`repoBackupCountStore`). */
  backupCounts?: BackupCountStore;
}

/** The LibraryClient plus the bytes behind `mediaUrl`, for a page that runs this in a worker. */
export interface CatalogLibrary extends LibraryClient {
  /**
   * The verified bytes of an asset's media, fetched from the home node when not held here.
   * `hash`: the blob expected (a timeline row's `thumb`): held bytes of another one are stale.
   */
  mediaBlob(id: string, kind: MediaKind, hash?: string): Promise<Blob | undefined>;
  /**
   * Where a `<video>` streams a video this device does not hold from: the node's playback
   * transcode, else its original. Undefined when held here (`mediaBlob(id, 'playback')`) or unknown.
   */
  streamUrl(id: string): Promise<string | undefined>;
  /** the catalog's version stamp of a month (its shards' heads; no shard is opened for it) */
  monthVersion(month: string): string;
  /**
   * A month's assets as read elsewhere at `version` (the timeline indexer): counted for the
   * Back up page (`backupSummary`) so it need not read that month again.
   */
  noteMonth(month: MonthKey, version: string, assets: readonly Asset[]): void;
}

export function createCatalogLibrary(opts: CatalogLibraryOptions): CatalogLibrary {
  const { catalog, media, deviceId, upload, holds } = opts;
  const homeNodes = async (): Promise<HomeNodeNames> => (await opts.homeNodes?.()) ?? new Map();
  const served = createCatalogMedia(opts);
  const backupCounter = createBackupCounter(catalog, opts.backupCounts);
  const ids = (xs: readonly string[]) => xs as readonly AssetId[];

  /*
   * A lazy catalog (`lazyShards`) reads only open shards and albums, so every read opens what
   * it needs first; on an eager catalog these opens are no-ops.
   */
  const openAsset = (id: string) => catalog.openAssets([id as AssetId]);

  /** Album edits on an unknown album: the catalog's error becomes the UI's. */
  async function album<T>(id: string, fn: (id: AlbumId) => T): Promise<T> {
    await catalog.openAlbums([id as AlbumId]);
    if (!catalog.getAlbum(id as AlbumId)) throw new AlbumNotFoundError(id);
    return fn(id as AlbumId);
  }

  return {
    start: () => catalog.start(),
    async stop() {
      await backupCounter.idle();
      await served.stop();
      await catalog.stop();
      media.close();
    },

    async months(): Promise<MonthSummary[]> {
      // One month at a time: a lazy catalog holds only its budget of shards open.
      const out: MonthSummary[] = [];
      for (const month of catalog.months()) {
        await catalog.openMonths([month]);
        const count = catalog.monthAssets(month).filter(inTimeline).length;
        if (count > 0) out.push({ month, count });
      }
      return out;
    },
    async monthItems(month) {
      await catalog.openMonths([month as never]);
      return catalog
        .monthAssets(month as never)
        .filter(inTimeline)
        .map(row);
    },
    async getAsset(id) {
      await openAsset(id);
      const a = catalog.getAsset(id as AssetId);
      if (!a) return undefined;
      const d = details(a, deviceId);
      const on = homeCopies(a, await homeNodes());
      if (on.length) d.backedUpOn = on;
      // A motion photo imported here plays its own split video before the node has made one.
      if (d.type === 'image' && !d.motion && (await media.hashOf(id, 'motion')) !== undefined)
        d.motion = true;
      return d;
    },
    async addAssets(assets: readonly NewLocalAsset[]) {
      const added: string[] = [];
      const existing: string[] = [];
      const fresh = new Map<string, NewLocalAsset>();
      for (const a of assets) {
        if (fresh.has(a.id) || catalog.hasAsset(a.id as AssetId)) existing.push(a.id);
        else fresh.set(a.id, a);
      }
      // The bytes go in first: a record whose thumbnail is missing would flash an empty tile.
      for (const a of fresh.values()) {
        // Made here, not the node's derivative: once the node derives its own, that one is fetched.
        if (a.thumbnail) await media.put(a.id, 'thumbnail', a.thumbnail, 'local');
        if (a.preview) await media.put(a.id, 'preview', a.preview, 'local');
        if (a.motion) await media.put(a.id, 'motion', a.motion, 'local');
        if (a.original) await media.put(a.id, 'original', a.original, a.id);
      }
      const r = await catalog.addAssets(
        [...fresh.values()].map(({ original: _o, thumbnail: _t, preview: _p, motion: _m, ...rest }) => ({
          ...rest,
          id: rest.id as AssetId,
        })),
      );
      added.push(...r.added);
      existing.push(...r.existing);
      return { added, existing };
    },

    async setFavorite(xs, favorite) {
      for (const id of ids(xs)) catalog.setFavorite(id, favorite);
    },
    async setArchived(xs, archived) {
      for (const id of ids(xs)) catalog.setArchived(id, archived);
    },
    async trash(xs) {
      catalog.trash(ids(xs));
    },
    async restore(xs) {
      catalog.restore(ids(xs));
    },
    async deletePermanently(xs) {
      // Covers are not album entries in the catalog's eyes; clear them so no album points at nothing.
      await catalog.openAlbums();
      for (const a of catalog.listAlbums())
        if (a.cover !== undefined && xs.includes(a.cover)) catalog.setAlbumCover(a.id, undefined);
      catalog.deletePermanently(ids(xs));
      for (const id of xs) await media.delete(id);
    },
    async purgeTrash(olderThanMs = THIRTY_DAYS, now = Date.now()) {
      const old: string[] = [];
      for (const m of catalog.months()) {
        await catalog.openMonths([m]);
        for (const a of catalog.monthAssets(m))
          if (a.trashedAt !== undefined && now - a.trashedAt > olderThanMs) old.push(a.id);
      }
      if (old.length) await this.deletePermanently(old);
      return old;
    },
    async setDescription(id, description) {
      catalog.setDescription(id as AssetId, description);
    },
    async setRating(id, rating) {
      catalog.setRating(id as AssetId, Math.max(0, Math.min(5, Math.round(rating))));
    },

    async listAlbums() {
      await catalog.openAlbums();
      return catalog.listAlbums().map(albumView);
    },
    async albumsNotHere() {
      // Listed but not open after asking: the open failed (no connected peer had the document).
      await catalog.openAlbums();
      return catalog.albumIds().filter((id) => !catalog.getAlbum(id)).length;
    },
    async getAlbum(id) {
      await catalog.openAlbums([id as AlbumId]);
      const a = catalog.getAlbum(id as AlbumId);
      return a && albumView(a);
    },
    createAlbum: (title) => catalog.createAlbum(title),
    async renameAlbum(id, title) {
      await album(id, (a) => catalog.renameAlbum(a, title));
    },
    async describeAlbum(id, description) {
      await album(id, (a) => catalog.describeAlbum(a, description));
    },
    async addToAlbum(id, xs) {
      await album(id, (a) => catalog.addToAlbum(a, ids(xs)));
    },
    async removeFromAlbum(id, xs) {
      await album(id, (a) => catalog.removeFromAlbum(a, ids(xs)));
    },
    async reorderAlbum(id, asset, toIndex) {
      await album(id, (a) => catalog.reorderAlbum(a, asset as AssetId, toIndex));
    },
    async setAlbumCover(id, asset) {
      await album(id, (a) => catalog.setAlbumCover(a, asset as AssetId | undefined));
    },

    ...(opts.homeNodes && { backupSummary: async (o) => backupCounter(await homeNodes(), o) }),
    noteMonth: backupCounter.note,
    mediaBlob: served.mediaBlob,
    streamUrl: served.streamUrl,
    mediaUrl: served.mediaUrl,
    monthVersion: (month) => catalog.monthVersion(month as never),
    ...(upload && {
      async backUp(id: string, progress?: (sent: number, total: number) => void) {
        const bytes = await media.get(id, 'original');
        if (!bytes) throw new OriginalNotHereError(id);
        await openAsset(id);
        await upload(id, bytes, catalog.getAsset(id as AssetId)?.fileName ?? id, progress);
      },
    }),
    ...(holds &&
      createFreeSpace({
        catalog,
        media,
        deviceId,
        holds,
        homeNodes,
        removed: (id) => served.forgetOriginal(id),
      })),

    onChange(listener: (change: LibraryChange) => void) {
      const off = catalog.onChange((c) =>
        listener({ assets: [...c.assets], albums: [...c.albums], months: [...c.months] }),
      );
      const offHomes = opts.onHomeNodesChange?.(() =>
        listener({ assets: [], albums: [], months: [], homeNodes: true }),
      );
      const offMedia = opts.onMediaReachable?.(() =>
        listener({ assets: [], albums: [], months: [], media: true }),
      );
      return () => {
        off();
        offHomes?.();
        offMedia?.();
      };
    },
  };
}
