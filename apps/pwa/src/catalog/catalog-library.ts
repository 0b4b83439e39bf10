/**
 * The LibraryClient over the synced Automerge catalog (`Catalog` from @hearth/sync): what the
 * app uses once the device is paired. The catalog does the CRDT work; this adapter maps its
 * records to the UI's shapes, keeps the UI's error codes, and serves media from this device's
 * cache, fetching missing thumbnails/previews from the home node on demand (verified first).
 * Only types are imported from @hearth/sync, so this file adds no Automerge to a bundle by itself.
 */
import type { AlbumId, Asset, AssetId, Catalog, DeviceId } from '@hearth/sync';
import type {
  AlbumView,
  AssetDetails,
  LibraryChange,
  LibraryClient,
  MediaKind,
  NewLocalAsset,
} from '../library/library-client.ts';
import { AlbumNotFoundError } from '../library/library-errors.ts';
import {
  FLAG_ARCHIVED,
  FLAG_FAVORITE,
  FLAG_TRASHED,
  FLAG_VIDEO,
  type MonthSummary,
  type TimelineItem,
} from '../library/timeline-item.ts';
import type { MediaCache } from './media-cache.ts';
import { enoughCopies, homeCopies, summarizeBackup, type HomeNodeNames } from './backup-copies.ts';
import { PwaError } from '../errors.ts';

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

/** Fetches an asset's media from elsewhere (the home node); must verify before resolving. */
export type RemoteMedia = (asset: Asset, kind: MediaKind) => Promise<Blob | undefined>;

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
}

function details(a: Asset, deviceId: DeviceId): AssetDetails {
  const d: AssetDetails = {
    id: a.id,
    type: a.type,
    mime: a.mime,
    size: a.size,
    capturedAt: a.capturedAt,
    width: a.width,
    height: a.height,
    ratio: a.ratio,
    favorite: a.favorite,
    archived: a.archived,
    rating: a.rating,
    description: a.description,
    tags: a.tags,
    // Held by a device other than this one: in this library that is the home node (or a peer).
    backedUp: a.holders.some((h) => h !== deviceId),
  };
  if (a.durationMs !== undefined) d.durationMs = a.durationMs;
  if (a.thumbhash !== undefined) d.thumbhash = a.thumbhash;
  if (a.fileName !== undefined) d.fileName = a.fileName;
  if (a.camera !== undefined) d.camera = a.camera;
  if (a.tzOffsetMin !== 0) d.tzOffsetMin = a.tzOffsetMin;
  if (a.gps !== undefined) d.gps = a.gps;
  if (a.place !== undefined) d.place = a.place;
  if (a.trashedAt !== undefined) d.trashedAt = a.trashedAt;
  // Both parts carry the pair; only the still plays the other.
  if (a.type === 'image' && a.livePhotoPair !== undefined) d.livePhotoVideo = a.livePhotoPair;
  if (a.type === 'image' && a.derived['motion'] !== undefined) d.motion = true;
  return d;
}

/** A Live Photo's video part is reached from its still (LIVE badge), not shown as its own item. */
const inTimeline = (a: Asset): boolean => !(a.type === 'video' && a.livePhotoPair !== undefined);

function row(a: Asset): TimelineItem {
  const flags =
    (a.favorite ? FLAG_FAVORITE : 0) |
    (a.archived ? FLAG_ARCHIVED : 0) |
    (a.trashedAt !== undefined ? FLAG_TRASHED : 0) |
    (a.type === 'video' ? FLAG_VIDEO : 0);
  const r: TimelineItem = { id: a.id, capturedAt: a.capturedAt, ratio: a.ratio, flags };
  if (a.thumbhash !== undefined) r.thumbhash = a.thumbhash;
  if (a.tzOffsetMin) r.tzOffsetMin = a.tzOffsetMin;
  const thumb = a.derived['thumbnail']?.hash;
  if (thumb !== undefined) r.thumb = thumb;
  return r;
}

function albumView(a: {
  id: string;
  title: string;
  description: string;
  cover?: string;
  assets: string[];
  createdAt: number;
}): AlbumView {
  const v: AlbumView = {
    id: a.id,
    title: a.title,
    description: a.description,
    assets: [...a.assets],
    createdAt: a.createdAt,
  };
  if (a.cover !== undefined) v.cover = a.cover;
  return v;
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
}

export function createCatalogLibrary(opts: CatalogLibraryOptions): CatalogLibrary {
  const { catalog, media, deviceId, remote, streamUrl, upload, holds } = opts;
  const homeNodes = async (): Promise<HomeNodeNames> => (await opts.homeNodes?.()) ?? new Map();
  const urls = new Map<string, string>();
  const fetching = new Map<string, Promise<Blob | undefined>>();
  /** Fetched bytes whose store into the media cache is still running. */
  const storing = new Map<string, { blob: Blob; done: Promise<unknown>; hash?: string }>();
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

  /** `want`: the blob the caller expects (a timeline row's `thumb`); see `mediaBlob`. */
  async function loadMedia(id: string, kind: MediaKind, want?: string): Promise<Blob | undefined> {
    // Playback bytes are this device's own original or nothing: the node's are streamed by URL.
    if (kind === 'playback') return media.get(id, 'original');
    const key = `${id}/${kind}`;
    const pending = storing.get(key);
    const held = pending?.blob ?? (await media.get(id, kind));
    // Cached by hash: bytes of another blob than the one asked for (the node derived the
    // thumbnail again, or this device's own was made before the node's) are fetched again.
    // Bytes stored before hashes were recorded are taken as they are.
    const had = held ? (pending ? pending.hash : await media.hashOf(id, kind)) : undefined;
    // A tile passes its row's hash, so scrolling opens no asset for bytes it holds.
    if (held && (had === undefined || had === want)) return held;
    await openAsset(id);
    const a = catalog.getAsset(id as AssetId);
    const current = a && (kind === 'original' ? id : a.derived[kind]?.hash);
    // Asked without the blob expected (the viewer, album covers): the catalog's current one.
    if (held && want === undefined && (current === undefined || current === had)) return held;
    if (!a || !remote) return held;
    // Stale bytes stay on screen while the node cannot be reached.
    const blob = held ? await remote(a, kind).catch(() => undefined) : await remote(a, kind);
    if (!blob) return held;
    // Shown at once, stored behind the next fetch (measured: bench/pwa-blob); until the
    // store is done the bytes are served from here. A failed store only costs a refetch.
    const done = media
      .put(id, kind, blob, current)
      .catch((e: unknown) => console.warn(`media cache: ${String(e)}`))
      .finally(() => storing.get(key)?.blob === blob && storing.delete(key));
    storing.set(key, { blob, done, ...(current === undefined ? {} : { hash: current }) });
    return blob;
  }

  async function streamOf(id: string): Promise<string | undefined> {
    await openAsset(id);
    const a = catalog.getAsset(id as AssetId);
    if (!a || a.type !== 'video' || !streamUrl || (await media.get(id, 'original'))) return undefined;
    return streamUrl(a.derived['playback']?.hash ?? a.id);
  }

  /**
   * Originals held here that the catalog says another device (the home node) holds too;
   * `minCopies` > 1: that many home nodes (the "only after 2 copies" setting).
   */
  async function freeable(minCopies = 1): Promise<{ asset: string; size: number }[]> {
    const out: { asset: string; size: number }[] = [];
    const nodes = minCopies > 1 ? await homeNodes() : new Map<string, string>();
    // One at a time: a lazy catalog keeps only its budget of shards open.
    for (const h of await media.held('original')) {
      await openAsset(h.asset);
      const a = catalog.getAsset(h.asset as AssetId);
      if (a && enoughCopies(a, deviceId, nodes, minCopies)) out.push(h);
    }
    return out;
  }

  /** One load per asset and kind at a time: a screenful of tiles asks for each once. */
  function mediaBlob(id: string, kind: MediaKind, hash?: string): Promise<Blob | undefined> {
    const key = `${id}/${kind}/${hash ?? ''}`;
    let p = fetching.get(key);
    if (!p) {
      p = loadMedia(id, kind, hash).finally(() => fetching.delete(key));
      fetching.set(key, p);
    }
    return p;
  }

  return {
    start: () => catalog.start(),
    async stop() {
      for (const u of urls.values()) URL.revokeObjectURL(u);
      urls.clear();
      await Promise.all([...storing.values()].map((s) => s.done));
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

    ...(opts.homeNodes && { backupSummary: async () => summarizeBackup(catalog, await homeNodes()) }),
    mediaBlob,
    streamUrl: streamOf,
    monthVersion: (month) => catalog.monthVersion(month as never),
    ...(upload && {
      async backUp(id: string, progress?: (sent: number, total: number) => void) {
        const bytes = await media.get(id, 'original');
        if (!bytes) throw new OriginalNotHereError(id);
        await openAsset(id);
        await upload(id, bytes, catalog.getAsset(id as AssetId)?.fileName ?? id, progress);
      },
    }),
    ...(holds && {
      async spaceToFree(o?: { minCopies?: number }) {
        const f = await freeable(o?.minCopies);
        return { count: f.length, bytes: f.reduce((n, h) => n + h.size, 0) };
      },
      async freeUpSpace(o?: { minCopies?: number }) {
        let freed = 0;
        let bytes = 0;
        let kept = 0;
        for (const h of await freeable(o?.minCopies)) {
          // Asked right before each removal: the catalog's word may be stale, the node's is not.
          const sure = await holds(h.asset).catch(() => false);
          if (!sure) {
            kept++;
            continue;
          }
          await media.remove(h.asset, 'original');
          const u = urls.get(`${h.asset}/original/`);
          if (u) URL.revokeObjectURL(u);
          urls.delete(`${h.asset}/original/`);
          freed++;
          bytes += h.size;
        }
        return { freed, bytes, kept };
      },
    }),
    async mediaUrl(id, kind, hash) {
      const key = `${id}/${kind}/${hash ?? ''}`;
      const known = urls.get(key);
      if (known) return known;
      if (kind === 'playback') {
        const stream = await streamOf(id);
        if (stream) return stream;
      }
      const blob = await mediaBlob(id, kind, hash);
      if (!blob) return undefined;
      const u = urls.get(key) ?? URL.createObjectURL(blob);
      urls.set(key, u);
      return u;
    },

    onChange(listener: (change: LibraryChange) => void) {
      return catalog.onChange((c) =>
        listener({ assets: [...c.assets], albums: [...c.albums], months: [...c.months] }),
      );
    },
  };
}
