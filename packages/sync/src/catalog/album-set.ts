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
import { applyPending, createPendingAlbumEdits, waitingEdits } from './album-pending-edits.ts';
import type { Catalog } from './catalog.ts';
import {
  AlbumEditsNotAppliedError,
  AlbumNotFoundError,
  type InvalidCatalogDataError,
} from './catalog-errors.ts';
import { text } from './schema-check.ts';
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

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function createAlbumSet(opts: {
  repo: Repo;
  root: DocHandle<RootDoc>;
  deviceId: DeviceId;
  now: () => number;
  lazy: boolean;
  /** albums changed or opened, or (lazy) newly listed */
  emit: (ids: AlbumId[]) => void;
  report: (where: string, reason: string) => void;
  /** a problem that has its own error class (edits that will not be applied) */
  problem: (e: InvalidCatalogDataError) => void;
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
  /** Edits of listed albums not open yet, applied in order when the album opens. */
  const pending = createPendingAlbumEdits();

  function register(id: AlbumId, handle: DocHandle<AlbumDoc>): void {
    const onChange = () => opts.emit([id]);
    handle.on('change', onChange);
    albums.set(id, { handle, off: () => handle.off('change', onChange) });
  }

  /** The kept edits of an album that will not open: reported, not kept for ever. */
  function drop(id: AlbumId, why: string): void {
    const whats = pending.take(id).map((e) => e.what);
    if (whats.length > 0) opts.problem(new AlbumEditsNotAppliedError(id, whats, why));
  }

  async function openOne(id: AlbumId, url: string): Promise<void> {
    try {
      const handle = await repo.find<AlbumDoc>(url as Parameters<Repo['find']>[0]);
      const checked = readAlbum(handle.doc());
      const bad = !checked.ok
        ? checked.reason
        : checked.value.id !== id
          ? `document says it is album ${checked.value.id}`
          : undefined;
      if (bad !== undefined) {
        report(`album ${id} (${url})`, bad);
        return drop(id, `its document is unreadable (${bad})`);
      }
      missed.delete(id);
      if (!albums.has(id)) register(id, handle);
      // Before anyone hears of the open, so edits made from now on come after the kept ones.
      for (const what of applyPending(handle, pending.take(id)))
        opts.problem(new AlbumEditsNotAppliedError(id, [what], 'the edit failed'));
      opts.emit([id]);
    } catch (e) {
      opening.delete(id);
      missed.add(id);
      opts.retryWhenReady(url);
      const kept = pending.describe(id);
      const also = kept.length > 0 ? `; ${waitingEdits(kept)}` : '';
      report(`album ${id} (${url})`, `could not be opened yet${also}: ${String(e)}`);
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

  /** Opens listed albums for their kept edits; a failed open keeps them for the retry. */
  function openFor(ids: readonly AlbumId[]): void {
    openListed(ids).catch((e: unknown) =>
      report(`albums ${ids.join(', ')}`, `could not be opened: ${String(e)}`),
    );
  }

  /**
   * Changes an album: at once when open, else (lazy catalogs) it is kept and applied once the
   * album opens, in the order made — also when its document is on no connected peer yet and
   * arrives later (the `missed` retry); `stop` reports what never could be applied.
   */
  function edit(id: AlbumId, what: string, fn: (d: AlbumDoc) => void): void {
    const a = albums.get(id);
    if (a) return void a.handle.change(fn);
    if (!opts.lazy || !listed.has(id)) throw new AlbumNotFoundError(id);
    pending.add(id, { what, apply: fn });
    openFor([id]);
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
    if (!opts.lazy) return;
    // Closed albums get the removal when they open, even one whose document is not here yet.
    const closed = [...listed.keys()].filter((id) => !albums.has(id));
    const what = `remove ${count(ids.length, 'permanently deleted asset')}`;
    for (const albumId of closed)
      pending.add(albumId, {
        what,
        apply(d) {
          const present = new Set(d.assets.map((v) => text(v)));
          const hit = ids.filter((id) => present.has(id));
          if (hit.length > 0) albumEdits.removeFromAlbum(d, hit);
        },
      });
    if (closed.length > 0) openFor(closed);
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
      edit(id, `rename to ${JSON.stringify(t)}`, (d) => void (d.title = t));
    },
    describeAlbum: (id, description) =>
      edit(id, 'change the description', (d) => void (d.description = description)),
    addToAlbum(id, ids) {
      const at = now();
      edit(id, `add ${count(ids.length, 'asset')}`, (d) => void albumEdits.addToAlbum(d, ids, deviceId, at));
    },
    removeFromAlbum: (id, ids) =>
      edit(id, `remove ${count(ids.length, 'asset')}`, (d) => albumEdits.removeFromAlbum(d, ids)),
    reorderAlbum: (id, asset, toIndex) =>
      edit(
        id,
        `move asset ${asset} to position ${toIndex}`,
        (d) => void albumEdits.moveInAlbum(d, asset, toIndex),
      ),
    setAlbumCover(id, asset) {
      edit(id, asset === undefined ? 'clear the cover' : `set the cover to asset ${asset}`, (d) => {
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
    /** Reports (CATALOG_ALBUM_EDITS_NOT_APPLIED) the kept edits of albums that never opened. */
    async stop(): Promise<void> {
      await Promise.allSettled(opening.values());
      for (const a of albums.values()) a.off();
      // Every kept edit asked for an open, so what is left waits for a document not here yet.
      for (const [id, edits] of pending.takeAll())
        opts.problem(
          new AlbumEditsNotAppliedError(
            id,
            edits.map((e) => e.what),
            "the catalog stopped before the album's document arrived",
          ),
        );
    },
  };
}
