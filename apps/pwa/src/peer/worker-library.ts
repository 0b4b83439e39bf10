/**
 * The page's LibraryClient once the device is paired: every call goes to the synced catalog
 * in the peer worker (Automerge stays off the main thread), changes come back as events, and
 * media bytes come back as Blobs the page turns into object URLs.
 */
import type { LibraryChange, LibraryClient, MediaKind } from '../library/library-client.ts';
import type { TimelineReader } from '../catalog/timeline-index-reader.ts';

/** What the page may call on the worker's catalog (anything else is refused there). */
export const LIBRARY_METHODS: ReadonlySet<string> = new Set([
  'months',
  'monthItems',
  'getAsset',
  'addAssets',
  'setFavorite',
  'setArchived',
  'trash',
  'restore',
  'deletePermanently',
  'purgeTrash',
  'setDescription',
  'setRating',
  'listAlbums',
  'albumsNotHere',
  'getAlbum',
  'createAlbum',
  'renameAlbum',
  'describeAlbum',
  'addToAlbum',
  'removeFromAlbum',
  'reorderAlbum',
  'setAlbumCover',
  'mediaBlob',
  'streamUrl',
  'backUp',
  'spaceToFree',
  'freeUpSpace',
  'backupSummary',
]);

/** How the page reaches the worker (the PeerClient implements it). */
export interface LibraryTransport {
  /** `progress`: told how a long call (a backup) goes, in the worker's units */
  callLibrary(
    method: string,
    args: unknown[],
    progress?: (done: number, total: number) => void,
  ): Promise<unknown>;
  onLibraryChange(listener: (change: LibraryChange) => void): () => void;
}

/**
 * `timeline`: where the page reads months and their rows itself (the timeline index in
 * IndexedDB), so painting needs no worker; absent, those calls go to the worker's catalog too.
 */
export function createWorkerLibrary(
  transport: LibraryTransport,
  opts: { timeline?: TimelineReader } = {},
): LibraryClient {
  const { timeline } = opts;
  const urls = new Map<string, string>();
  const call = <T>(method: string, ...args: unknown[]) => transport.callLibrary(method, args) as Promise<T>;
  return {
    // Opening the catalog is the worker's first library call (or the page's `connect`).
    start: async () => {},
    async stop() {
      timeline?.close();
      for (const u of urls.values()) URL.revokeObjectURL(u);
      urls.clear();
    },
    months: () => (timeline ? timeline.months() : call('months')),
    monthItems: (month) => (timeline ? timeline.monthItems(month) : call('monthItems', month)),
    getAsset: (id) => call('getAsset', id),
    addAssets: (assets) => call('addAssets', assets),
    setFavorite: (ids, v) => call('setFavorite', ids, v),
    setArchived: (ids, v) => call('setArchived', ids, v),
    trash: (ids) => call('trash', ids),
    restore: (ids) => call('restore', ids),
    deletePermanently: (ids) => call('deletePermanently', ids),
    purgeTrash: (olderThanMs, now) => call('purgeTrash', olderThanMs, now),
    setDescription: (id, d) => call('setDescription', id, d),
    setRating: (id, r) => call('setRating', id, r),
    listAlbums: () => call('listAlbums'),
    albumsNotHere: () => call('albumsNotHere'),
    getAlbum: (id) => call('getAlbum', id),
    createAlbum: (title) => call('createAlbum', title),
    renameAlbum: (id, title) => call('renameAlbum', id, title),
    describeAlbum: (id, d) => call('describeAlbum', id, d),
    addToAlbum: (id, assets) => call('addToAlbum', id, assets),
    removeFromAlbum: (id, assets) => call('removeFromAlbum', id, assets),
    reorderAlbum: (id, asset, to) => call('reorderAlbum', id, asset, to),
    setAlbumCover: (id, asset) => call('setAlbumCover', id, asset),
    backUp: (id, progress) => transport.callLibrary('backUp', [id], progress) as Promise<void>,
    spaceToFree: (o) => call('spaceToFree', o),
    freeUpSpace: (o) => call('freeUpSpace', o),
    backupSummary: (o) => call('backupSummary', o),
    async mediaUrl(id: string, kind: MediaKind, hash?: string) {
      const key = `${id}/${kind}/${hash ?? ''}`;
      const known = urls.get(key);
      if (known) return known;
      // A video this device does not hold streams from the node (a tokened URL, not cached).
      if (kind === 'playback') {
        const stream = await call<string | undefined>('streamUrl', id);
        if (stream) return stream;
      }
      const blob = await call<Blob | undefined>('mediaBlob', id, kind, hash);
      if (!blob) return undefined;
      const u = urls.get(key) ?? URL.createObjectURL(blob);
      urls.set(key, u);
      return u;
    },
    onChange: (listener) => transport.onLibraryChange(listener),
  };
}
