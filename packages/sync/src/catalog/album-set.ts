/**
 * The albums a catalog knows: every album the root lists, and the open ones. An eager catalog
 * opens each album as it is listed; a lazy one when the apps ask (`openAlbums`) or an edit needs
 * it, because album documents cost more to hold than their size suggests (~3.5 MiB per 1,000
 * entries through the repo).
 */
import { ImmutableString } from '@automerge/automerge';
import type { DocHandle, Repo } from '@automerge/automerge-repo';
import { asAlbumId, randomId, type AlbumId, type AssetId, type DeviceId } from '../ids.ts';
import { readAlbum, type Album, type AlbumDoc } from './album-doc.ts';
import * as albumEdits from './album-edits.ts';
import type { Catalog } from './catalog.ts';
import { AlbumNotFoundError } from './catalog-errors.ts';
import type { RootDoc } from './root-doc.ts';

/** The catalog's album methods. */
export type AlbumMethods = Pick<
  Catalog,
  | 'createAlbum'
  | 'renameAlbum'
  | 'describeAlbum'
  | 'addToAlbum'
  | 'removeFromAlbum'
  | 'reorderAlbum'
  | 'setAlbumCover'
  | 'openAlbums'
  | 'albumIds'
  | 'getAlbum'
  | 'listAlbums'
>;

export function createAlbumSet(opts: {
  repo: Repo;
  root: DocHandle<RootDoc>;
  deviceId: DeviceId;
  now: () => number;
  lazy: boolean;
  /** albums changed or opened, or (lazy) newly listed */
  emit: (ids: AlbumId[]) => void;
  report: (where: string, reason: string) => void;
  /** an album could not be opened yet: retry once its handle becomes ready */
  retryWhenReady: (url: string) => void;
}) {
  const { repo, root, deviceId, now, report } = opts;
  const albums = new Map<AlbumId, { handle: DocHandle<AlbumDoc>; off: () => void }>();
  /** every album the root lists (id → url) */
  const listed = new Map<AlbumId, string>();
  const opening = new Map<AlbumId, Promise<void>>();
  /**
   * Albums asked for whose document was on no connected peer: opened as soon as it arrives,
   * lazy or not, since a reader already missed them (retryWhenReady lists them again).
   */
  const missed = new Set<AlbumId>();

  function register(id: AlbumId, handle: DocHandle<AlbumDoc>): void {
    const onChange = () => opts.emit([id]);
    handle.on('change', onChange);
    albums.set(id, { handle, off: () => handle.off('change', onChange) });
  }

  async function openOne(id: AlbumId, url: string): Promise<void> {
    try {
      const handle = await repo.find<AlbumDoc>(url as Parameters<Repo['find']>[0]);
      const checked = readAlbum(handle.doc());
      if (!checked.ok) return report(`album ${id} (${url})`, checked.reason);
      if (checked.value.id !== id)
        return report(`album ${id} (${url})`, `document says it is album ${checked.value.id}`);
      missed.delete(id);
      if (!albums.has(id)) register(id, handle);
      opts.emit([id]);
    } catch (e) {
      opening.delete(id);
      missed.add(id);
      opts.retryWhenReady(url);
      report(`album ${id} (${url})`, `could not be opened yet: ${String(e)}`);
    }
  }

  /** Opens a listed album once (concurrent calls share the open). */
  function open(id: AlbumId, url: string): Promise<void> {
    let p = opening.get(id);
    if (!p) opening.set(id, (p = openOne(id, url)));
    return p;
  }

  async function openListed(ids: readonly AlbumId[]): Promise<void> {
    for (const id of ids) {
      const url = listed.get(id);
      if (!albums.has(id) && url !== undefined) await open(id, url);
    }
  }

  /** Changes an album: at once when open, else once it is opened (lazy catalogs). */
  function edit(id: AlbumId, fn: (d: AlbumDoc) => void): void {
    const a = albums.get(id);
    if (a) return void a.handle.change(fn);
    if (!opts.lazy || !listed.has(id)) throw new AlbumNotFoundError(id);
    openListed([id]).then(
      () => albums.get(id)?.handle.change(fn),
      (e: unknown) => report(`album ${id}`, `edit not applied: ${String(e)}`),
    );
  }

  function readOf(id: AlbumId, handle: DocHandle<AlbumDoc>): Album | undefined {
    const r = readAlbum(handle.doc());
    if (r.ok) return r.value;
    report(`album ${id}`, r.reason);
    return undefined;
  }

  /** Takes deleted assets out of every album (a lazy catalog opens its closed albums for it). */
  function removeAssets(ids: readonly AssetId[]): void {
    const fromOpen = () => {
      for (const [albumId, a] of albums) {
        const current = readOf(albumId, a.handle);
        const hit = current ? ids.filter((id) => current.assets.includes(id)) : [];
        if (hit.length > 0) a.handle.change((d) => albumEdits.removeFromAlbum(d, hit));
      }
    };
    fromOpen();
    if (opts.lazy && listed.size > albums.size)
      openListed([...listed.keys()]).then(fromOpen, (e: unknown) =>
        report('albums', `permanent deletion not applied to every album: ${String(e)}`),
      );
  }

  const methods: AlbumMethods = {
    async createAlbum(title) {
      const id = asAlbumId(randomId());
      const handle = repo.create<AlbumDoc>(albumEdits.newAlbum(id, title, deviceId, now()));
      register(id, handle);
      listed.set(id, handle.url);
      root.change((r) => void (r.albums[id] = handle.url));
      return id;
    },
    renameAlbum(id, title) {
      const t = albumEdits.checkTitle(title);
      edit(id, (d) => void (d.title = t));
    },
    describeAlbum: (id, description) => edit(id, (d) => void (d.description = description)),
    addToAlbum(id, ids) {
      const at = now();
      edit(id, (d) => void albumEdits.addToAlbum(d, ids, deviceId, at));
    },
    removeFromAlbum: (id, ids) => edit(id, (d) => albumEdits.removeFromAlbum(d, ids)),
    reorderAlbum: (id, asset, toIndex) => edit(id, (d) => void albumEdits.moveInAlbum(d, asset, toIndex)),
    setAlbumCover(id, asset) {
      edit(id, (d) => {
        if (asset === undefined) delete d.cover;
        else d.cover = new ImmutableString(asset);
      });
    },
    openAlbums: (ids) => openListed(ids ?? [...listed.keys()]),
    albumIds: () => [...listed.keys()],
    getAlbum(id) {
      const a = albums.get(id);
      return a ? readOf(id, a.handle) : undefined;
    },
    listAlbums() {
      const out: Album[] = [];
      for (const [id, a] of albums) {
        const r = readOf(id, a.handle);
        if (r) out.push(r);
      }
      return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },
  };

  return {
    methods,
    /**
     * Records the albums the root lists; an eager catalog opens each, a lazy one those a reader
     * missed (neither while `isWaiting` its handle). Returns the opens to wait on. A lazy catalog
     * reports newly listed albums as changed: its readers re-read the list on album changes, and
     * one that read it just before the root listed a new album would not show it otherwise.
     */
    list(entries: Iterable<[AlbumId, string]>, isWaiting: (url: string) => boolean): Promise<void>[] {
      const work: Promise<void>[] = [];
      const fresh: AlbumId[] = [];
      for (const [id, url] of entries) {
        if (!listed.has(id)) fresh.push(id);
        listed.set(id, url);
        if (albums.has(id) || isWaiting(url)) continue;
        if (!opts.lazy || missed.has(id)) work.push(open(id, url));
      }
      if (opts.lazy && fresh.length > 0) opts.emit(fresh);
      return work;
    },
    removeAssets,
    async stop(): Promise<void> {
      await Promise.allSettled(opening.values());
      for (const a of albums.values()) a.off();
    },
  };
}
