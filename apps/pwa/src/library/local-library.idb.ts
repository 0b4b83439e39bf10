/**
 * The in-browser library replica on IndexedDB (idb). Stores: `summaries` (month → count, the
 * only thing read to size the timeline), `months` (month → timeline rows, the index the grid
 * paints from), `assets`, `albums`, `blobs` (`<id>:<kind>` → Blob). Every edit updates the
 * asset and its timeline row in one transaction, so the index never disagrees with the
 * records. Other tabs hear about changes over a BroadcastChannel.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { randomId } from '../errors.ts';
import type { AlbumView, AssetDetails, LibraryChange, LibraryClient, MediaKind } from './library-client.ts';
import { AlbumNotFoundError, LibraryStorageError } from './library-errors.ts';
import {
  FLAG_ARCHIVED,
  FLAG_FAVORITE,
  FLAG_TRASHED,
  FLAG_VIDEO,
  monthKeyOf,
  type MonthSummary,
  type TimelineItem,
} from './timeline-item.ts';

interface LibrarySchema extends DBSchema {
  summaries: { key: string; value: MonthSummary };
  months: { key: string; value: { month: string; items: TimelineItem[] } };
  assets: { key: string; value: AssetDetails };
  albums: { key: string; value: AlbumView };
  blobs: { key: string; value: Blob };
}

/** Options of the local library. */
export interface LocalLibraryOptions {
  /** IndexedDB database name (one per library) */
  dbName: string;
}

function flagsOf(a: AssetDetails): number {
  return (
    (a.favorite ? FLAG_FAVORITE : 0) |
    (a.archived ? FLAG_ARCHIVED : 0) |
    (a.trashedAt !== undefined ? FLAG_TRASHED : 0) |
    (a.type === 'video' ? FLAG_VIDEO : 0)
  );
}

function rowOf(a: AssetDetails): TimelineItem {
  const row: TimelineItem = { id: a.id, capturedAt: a.capturedAt, ratio: a.ratio, flags: flagsOf(a) };
  if (a.thumbhash !== undefined) row.thumbhash = a.thumbhash;
  if (a.tzOffsetMin) row.tzOffsetMin = a.tzOffsetMin;
  return row;
}

/** The month an asset is listed under: its camera-local month (see monthKeyOf). */
const monthOfAsset = (a: AssetDetails): string => monthKeyOf(a.capturedAt, a.tzOffsetMin ?? 0);

/**
 * Version 2 lists assets by their camera-local month (version 1 used the UTC month): the
 * upgrade files every stored row again, in the upgrade's own transaction.
 */
const DB_VERSION = 2;

async function rebuildMonths(
  tx: IDBPTransaction<LibrarySchema, StoreNames<LibrarySchema>[], 'versionchange'>,
) {
  const byMonth = new Map<string, TimelineItem[]>();
  for (const a of await tx.objectStore('assets').getAll()) {
    const m = monthOfAsset(a);
    byMonth.set(m, [...(byMonth.get(m) ?? []), rowOf(a)]);
  }
  await tx.objectStore('months').clear();
  await tx.objectStore('summaries').clear();
  for (const [month, items] of byMonth) {
    await tx.objectStore('months').put({ month, items: items.sort(newestFirst) });
    await tx.objectStore('summaries').put({ month, count: items.length });
  }
}

/** Items stay in the trash this long (as in Immich), then they are deleted. */
export const TRASH_DAYS = 30;

const newestFirst = (a: TimelineItem, b: TimelineItem) =>
  b.capturedAt - a.capturedAt || (a.id < b.id ? -1 : 1);

export function createLocalLibrary(opts: LocalLibraryOptions): LibraryClient {
  let db: IDBPDatabase<LibrarySchema> | undefined;
  const listeners = new Set<(c: LibraryChange) => void>();
  const urls = new Map<string, string>();
  // Keys known to have no blob here. A fling asks for ~100 thumbnails a frame; without this,
  // every tile of a not-yet-downloaded library would cost an IndexedDB read each time it shows.
  const missing = new Set<string>();
  let channel: BroadcastChannel | undefined;

  function open(): IDBPDatabase<LibrarySchema> {
    if (!db) throw new LibraryStorageError('use the library before start()', undefined);
    return db;
  }

  function emit(change: LibraryChange, fromOtherTab = false): void {
    for (const l of listeners) l(change);
    if (!fromOtherTab) channel?.postMessage(change);
  }

  async function editAssets(ids: readonly string[], edit: (a: AssetDetails) => void): Promise<void> {
    const tx = open().transaction(['assets', 'months'], 'readwrite');
    const months = new Map<string, AssetDetails[]>();
    for (const id of ids) {
      const a = await tx.objectStore('assets').get(id);
      if (!a) continue;
      edit(a);
      await tx.objectStore('assets').put(a);
      const m = monthOfAsset(a);
      months.set(m, [...(months.get(m) ?? []), a]);
    }
    for (const [month, changed] of months) {
      const rec = await tx.objectStore('months').get(month);
      if (!rec) continue;
      const byId = new Map(changed.map((a) => [a.id, a]));
      rec.items = rec.items.map((r) => {
        const a = byId.get(r.id);
        return a ? rowOf(a) : r;
      });
      await tx.objectStore('months').put(rec);
    }
    await tx.done;
    emit({ assets: [...ids], albums: [], months: [...months.keys()] });
  }

  async function editAlbum(id: string, edit: (a: AlbumView) => void): Promise<void> {
    const tx = open().transaction('albums', 'readwrite');
    const album = await tx.store.get(id);
    if (!album) throw new AlbumNotFoundError(id);
    edit(album);
    await tx.store.put(album);
    await tx.done;
    emit({ assets: [], albums: [id], months: [] });
  }

  const client: LibraryClient = {
    async start() {
      try {
        db = await openDB<LibrarySchema>(opts.dbName, DB_VERSION, {
          upgrade(d, oldVersion, _newVersion, tx) {
            if (oldVersion < 1) {
              d.createObjectStore('summaries', { keyPath: 'month' });
              d.createObjectStore('months', { keyPath: 'month' });
              d.createObjectStore('assets', { keyPath: 'id' });
              d.createObjectStore('albums', { keyPath: 'id' });
              d.createObjectStore('blobs');
            } else if (oldVersion < 2)
              // A failed request aborts the upgrade, and openDB rejects (LibraryStorageError).
              rebuildMonths(tx).catch(() => undefined);
          },
        });
      } catch (e) {
        throw new LibraryStorageError(`open the library database ${opts.dbName}`, e);
      }
      if (typeof BroadcastChannel === 'function') {
        channel = new BroadcastChannel(`hearth-library:${opts.dbName}`);
        channel.onmessage = (ev: MessageEvent<LibraryChange>) => emit(ev.data, true);
      }
    },

    async stop() {
      channel?.close();
      channel = undefined;
      for (const u of urls.values()) URL.revokeObjectURL(u);
      urls.clear();
      db?.close();
      db = undefined;
    },

    async months() {
      const all = await open().getAll('summaries');
      return all.filter((m) => m.count > 0).sort((a, b) => (a.month < b.month ? 1 : -1));
    },

    async monthItems(month) {
      return (await open().get('months', month))?.items ?? [];
    },

    async getAsset(id) {
      return open().get('assets', id);
    },

    async addAssets(list) {
      const added: string[] = [];
      const existing: string[] = [];
      const touched = new Map<string, TimelineItem[]>();
      try {
        const tx = open().transaction(['assets', 'months', 'summaries', 'blobs'], 'readwrite');
        for (const n of list) {
          if ((await tx.objectStore('assets').getKey(n.id)) !== undefined || added.includes(n.id)) {
            existing.push(n.id);
            continue;
          }
          const a: AssetDetails = {
            id: n.id,
            type: n.type,
            mime: n.mime,
            size: n.size,
            capturedAt: n.capturedAt,
            width: n.width,
            height: n.height,
            ratio: n.width > 0 && n.height > 0 ? n.width / n.height : 1,
            favorite: false,
            archived: false,
            rating: 0,
            description: '',
            tags: [],
            backedUp: false,
          };
          if (n.durationMs !== undefined) a.durationMs = n.durationMs;
          if (n.thumbhash !== undefined) a.thumbhash = n.thumbhash;
          if (n.fileName !== undefined) a.fileName = n.fileName;
          if (n.camera !== undefined) a.camera = n.camera;
          if (n.tzOffsetMin !== undefined) a.tzOffsetMin = n.tzOffsetMin;
          if (n.gps !== undefined) a.gps = n.gps;
          if (n.place !== undefined) a.place = n.place;
          if (n.phash !== undefined) a.phash = n.phash;
          if (n.motion) a.motion = true;
          await tx.objectStore('assets').put(a);
          if (n.original) await tx.objectStore('blobs').put(n.original, `${n.id}:original`);
          if (n.thumbnail) await tx.objectStore('blobs').put(n.thumbnail, `${n.id}:thumbnail`);
          if (n.preview) await tx.objectStore('blobs').put(n.preview, `${n.id}:preview`);
          if (n.motion) await tx.objectStore('blobs').put(n.motion, `${n.id}:motion`);
          const m = monthOfAsset(a);
          touched.set(m, [...(touched.get(m) ?? []), rowOf(a)]);
          added.push(n.id);
        }
        for (const [month, rows] of touched) {
          const rec = (await tx.objectStore('months').get(month)) ?? { month, items: [] };
          rec.items = [...rec.items, ...rows].sort(newestFirst);
          await tx.objectStore('months').put(rec);
          await tx.objectStore('summaries').put({ month, count: rec.items.length });
        }
        await tx.done;
      } catch (e) {
        if (e instanceof LibraryStorageError) throw e;
        throw new LibraryStorageError(`store ${list.length} imported assets`, e);
      }
      for (const id of added)
        for (const k of ['thumbnail', 'preview', 'original', 'motion']) missing.delete(`${id}:${k}`);
      if (added.length) emit({ assets: added, albums: [], months: [...touched.keys()] });
      return { added, existing };
    },

    setFavorite: (ids, favorite) => editAssets(ids, (a) => void (a.favorite = favorite)),
    setArchived: (ids, archived) => editAssets(ids, (a) => void (a.archived = archived)),
    trash: (ids) => {
      const now = Date.now();
      return editAssets(ids, (a) => void (a.trashedAt = now));
    },
    restore: (ids) => editAssets(ids, (a) => void delete a.trashedAt),

    async deletePermanently(ids) {
      const gone = new Set(ids);
      const months = new Set<string>();
      const albumsTouched: string[] = [];
      const tx = open().transaction(['assets', 'months', 'summaries', 'blobs', 'albums'], 'readwrite');
      for (const id of ids) {
        const a = await tx.objectStore('assets').get(id);
        if (!a) continue;
        months.add(monthOfAsset(a));
        await tx.objectStore('assets').delete(id);
        for (const k of ['thumbnail', 'preview', 'original', 'motion']) {
          await tx.objectStore('blobs').delete(`${id}:${k}`);
          const url = urls.get(`${id}:${k}`);
          if (url) URL.revokeObjectURL(url);
          urls.delete(`${id}:${k}`);
        }
      }
      for (const month of months) {
        const rec = await tx.objectStore('months').get(month);
        if (!rec) continue;
        rec.items = rec.items.filter((r) => !gone.has(r.id));
        await tx.objectStore('months').put(rec);
        await tx.objectStore('summaries').put({ month, count: rec.items.length });
      }
      for (const album of await tx.objectStore('albums').getAll()) {
        if (!album.assets.some((x) => gone.has(x))) continue;
        album.assets = album.assets.filter((x) => !gone.has(x));
        if (album.cover !== undefined && gone.has(album.cover)) delete album.cover;
        await tx.objectStore('albums').put(album);
        albumsTouched.push(album.id);
      }
      await tx.done;
      emit({ assets: [...ids], albums: albumsTouched, months: [...months] });
    },

    async purgeTrash(olderThanMs = TRASH_DAYS * 24 * 3600_000, now = Date.now()) {
      const old = (await open().getAll('assets'))
        .filter((a) => a.trashedAt !== undefined && now - a.trashedAt > olderThanMs)
        .map((a) => a.id);
      if (old.length) await client.deletePermanently(old);
      return old;
    },
    setDescription: (id, description) => editAssets([id], (a) => void (a.description = description)),
    setRating: (id, rating) =>
      editAssets([id], (a) => void (a.rating = Math.max(0, Math.min(5, Math.round(rating))))),

    async listAlbums() {
      return (await open().getAll('albums')).sort((a, b) => b.createdAt - a.createdAt);
    },
    // Every album of the local library is in this device's IndexedDB.
    albumsNotHere: async () => 0,
    async getAlbum(id) {
      return open().get('albums', id);
    },
    async createAlbum(title) {
      const id = randomId();
      await open().put('albums', { id, title, description: '', assets: [], createdAt: Date.now() });
      emit({ assets: [], albums: [id], months: [] });
      return id;
    },
    renameAlbum: (id, title) => editAlbum(id, (a) => void (a.title = title)),
    describeAlbum: (id, description) => editAlbum(id, (a) => void (a.description = description)),
    addToAlbum: (id, assets) =>
      editAlbum(id, (a) => {
        const have = new Set(a.assets);
        for (const x of assets) {
          if (have.has(x)) continue;
          a.assets.push(x);
          have.add(x);
        }
      }),
    removeFromAlbum: (id, assets) =>
      editAlbum(id, (a) => {
        const gone = new Set(assets);
        a.assets = a.assets.filter((x) => !gone.has(x));
        if (a.cover !== undefined && gone.has(a.cover)) delete a.cover;
      }),
    reorderAlbum: (id, asset, toIndex) =>
      editAlbum(id, (a) => {
        const from = a.assets.indexOf(asset);
        if (from < 0) return;
        a.assets.splice(from, 1);
        a.assets.splice(Math.max(0, Math.min(a.assets.length, toIndex)), 0, asset);
      }),
    setAlbumCover: (id, asset) =>
      editAlbum(id, (a) => {
        if (asset === undefined) delete a.cover;
        else a.cover = asset;
      }),

    async mediaUrl(id, kind: MediaKind) {
      const key = `${id}:${kind}`;
      const cached = urls.get(key);
      if (cached) return cached;
      // Without a preview the original stands in (local imports are originals).
      if (missing.has(key)) return undefined;
      const blob =
        (kind === 'playback' ? undefined : await open().get('blobs', key)) ??
        (kind === 'preview' || kind === 'playback' ? await open().get('blobs', `${id}:original`) : undefined);
      if (!blob) {
        missing.add(key);
        return undefined;
      }
      const url = URL.createObjectURL(blob);
      urls.set(key, url);
      return url;
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return client;
}
