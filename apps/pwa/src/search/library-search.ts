/**
 * Search over what a LibraryClient holds (in the peer worker: the synced catalog), with
 * `@hearth/ml`'s portable text index: file names, descriptions, user tags, camera make and
 * model, places, album titles, and capture dates ("2019", "summer 2023"). The index is built
 * once, then kept current from the library's change events, so a query never rebuilds it and
 * answers offline from whatever has synced.
 */
import { createSearchIndex, type SearchDocument, type SearchHit, type SemanticOptions } from '@hearth/ml';
import type { AssetDetails, LibraryChange, LibraryClient } from '../library/library-client.ts';
import {
  FLAG_ARCHIVED,
  FLAG_FAVORITE,
  FLAG_TRASHED,
  FLAG_VIDEO,
  type TimelineItem,
} from '../library/timeline-item.ts';
import type { MlSearchSource } from './ml-search-source.ts';
import type { SearchCache } from './search-cache.idb.ts';
import type { SearchFilters, SearchResult, SemanticStatus } from './search-types.ts';

/** CLIP ranking for the search (the worker's `ClipSearch`; see apps/pwa/src/ml/clip-search.ts). */
export interface SemanticSource {
  semantic(): SemanticOptions | undefined;
  status(): SemanticStatus;
  /** the text encoder failed at query time: semantic search turns itself off, saying why */
  fail(reason: string): void;
  /** `listener` runs when the vectors searched changed (shards or a device's own added or dropped) */
  onChange?(listener: () => void): () => void;
  stop(): void;
}

/** Most results one query returns (the grid is virtualized; this bounds the message). */
export const MAX_RESULTS = 1000;

/** See the file comment. `stop()` unsubscribes from the library. */
export interface LibrarySearch {
  /** resolves once the first full read of the library is indexed */
  readonly ready: Promise<void>;
  /** how many assets are indexed */
  size(): number;
  search(query: string, filters?: SearchFilters): Promise<SearchResult>;
  /**
   * `listener` runs once a change that may change answers is in the index (a library change,
   * new machine words, CLIP vectors), so a shown answer can be asked again
   */
  onChange(listener: () => void): () => void;
  stop(): void;
}

function rowOf(a: AssetDetails): TimelineItem {
  const flags =
    (a.favorite ? FLAG_FAVORITE : 0) |
    (a.archived ? FLAG_ARCHIVED : 0) |
    (a.trashedAt !== undefined ? FLAG_TRASHED : 0) |
    (a.type === 'video' ? FLAG_VIDEO : 0);
  return a.thumbhash !== undefined
    ? { id: a.id, capturedAt: a.capturedAt, ratio: a.ratio, flags, thumbhash: a.thumbhash }
    : { id: a.id, capturedAt: a.capturedAt, ratio: a.ratio, flags };
}

/**
 * `ml` (optional) adds what the home node's models found: machine tags, OCR text and the names
 * of the people in each photo.
 */
export function createLibrarySearch(
  lib: LibraryClient,
  ml?: MlSearchSource,
  /** months read in an earlier session, taken as they are while their version has not moved */
  cache?: SearchCache,
  /** CLIP text search; word matches rank first, then photos by CLIP similarity above its threshold */
  clip?: SemanticSource,
): LibrarySearch {
  const index = createSearchIndex();
  const rows = new Map<string, TimelineItem>();
  const details = new Map<string, AssetDetails>();
  const albumTitles = new Map<string, string>();
  /** album id → its assets, and asset id → the albums it is in */
  const albumAssets = new Map<string, readonly string[]>();
  const assetAlbums = new Map<string, Set<string>>();
  /** month → the assets last read from it, so a month read again also drops what left it */
  const monthIds = new Map<string, string[]>();

  function docOf(a: AssetDetails): SearchDocument {
    const camera = [a.camera?.make, a.camera?.model].filter(Boolean).join(' ');
    const albums = [...(assetAlbums.get(a.id) ?? [])].map((id) => albumTitles.get(id) ?? '');
    const machine = ml?.words(a.id);
    return {
      id: a.id,
      takenAt: a.capturedAt,
      tags: machine?.tags.length ? [...a.tags, ...machine.tags] : a.tags,
      albums,
      ...(machine?.ocr ? { ocr: machine.ocr } : {}),
      ...(machine?.people.length ? { people: machine.people } : {}),
      ...(a.fileName ? { fileName: a.fileName } : {}),
      ...(a.description ? { description: a.description } : {}),
      ...(camera ? { camera } : {}),
      ...(a.place ? { place: a.place } : {}),
    };
  }
  function put(a: AssetDetails): void {
    details.set(a.id, a);
    rows.set(a.id, rowOf(a));
    index.put(docOf(a));
  }
  function drop(id: string): void {
    details.delete(id);
    rows.delete(id);
    index.remove(id);
  }
  /** Records an album's title and members; returns the assets whose album words changed. */
  function setAlbum(id: string, title: string | undefined, assets: readonly string[]): Set<string> {
    const touched = new Set([...(albumAssets.get(id) ?? []), ...assets]);
    for (const a of albumAssets.get(id) ?? []) assetAlbums.get(a)?.delete(id);
    if (title === undefined) {
      albumTitles.delete(id);
      albumAssets.delete(id);
    } else {
      albumTitles.set(id, title);
      albumAssets.set(id, assets);
      for (const a of assets) {
        const s = assetAlbums.get(a) ?? new Set<string>();
        s.add(id);
        assetAlbums.set(a, s);
      }
    }
    return touched;
  }

  async function build(): Promise<void> {
    for (const album of await lib.listAlbums()) setAlbum(album.id, album.title, album.assets);
    for (const m of await lib.months()) {
      // The version is taken before the read: a change meanwhile leaves an older stamp on
      // what is cached, so the next session reads that month again.
      const version = cache?.version(m.month);
      const hit =
        version === undefined ? undefined : await cache?.get(m.month, version).catch(() => undefined);
      if (hit) {
        for (const a of hit) put(a);
        monthIds.set(
          m.month,
          hit.map((a) => a.id),
        );
        continue;
      }
      const read: AssetDetails[] = [];
      for (const item of await lib.monthItems(m.month)) {
        const a = await lib.getAsset(item.id);
        if (a) {
          put(a);
          read.push(a);
        }
      }
      monthIds.set(
        m.month,
        read.map((a) => a.id),
      );
      // Awaited (one small write per month): what `ready` promises is then also on disk.
      if (version !== undefined)
        await cache
          ?.set(m.month, version, read)
          .catch((e: unknown) => console.warn(`search cache: ${String(e)}`));
    }
  }

  async function apply(change: LibraryChange): Promise<void> {
    const assets = new Set(change.assets);
    for (const id of change.albums) {
      const album = await lib.getAlbum(id);
      for (const a of setAlbum(id, album?.title, album?.assets ?? [])) assets.add(a);
    }
    // Months named with no assets (a shard that reached this device whole, or moved on while it
    // was closed) say nothing of which assets changed: those months are read again.
    if (change.assets.length === 0)
      for (const m of change.months) {
        for (const id of monthIds.get(m) ?? []) assets.add(id);
        const items = await lib.monthItems(m);
        monthIds.set(
          m,
          items.map((i) => i.id),
        );
        for (const i of items) assets.add(i.id);
      }
    for (const id of assets) {
      const a = await lib.getAsset(id);
      if (a) put(a);
      else drop(id);
    }
  }

  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  // Changes are applied in order, after the first build (which may already include them:
  // applying a change twice is harmless, it re-reads the same records).
  const ready = Promise.all([build(), ml?.ready]).then(() => undefined);
  let queue: Promise<void> = ready;
  const off = lib.onChange((change) => {
    // Media reachable, home nodes: nothing the index holds.
    if (!change.assets.length && !change.albums.length && !change.months.length) return;
    queue = queue
      .then(() => apply(change))
      .then(changed)
      .catch((e: unknown) => console.warn('search index: a change could not be applied:', e));
  });
  // New machine words re-index those photos (from the details already read).
  const offMl = ml?.onChange((ids) => {
    queue = queue.then(() => {
      for (const id of ids) {
        const a = details.get(id);
        if (a) put(a);
      }
      changed();
    });
  });
  // New CLIP vectors are searched from the next query on: only the listeners are told.
  const offClip = clip?.onChange?.(changed);

  return {
    ready,
    size: () => index.size,
    async search(query, filters = {}) {
      await queue;
      const text = query.trim();
      const keep = (r: TimelineItem) =>
        !(r.flags & FLAG_TRASHED) &&
        (filters.archived || !(r.flags & FLAG_ARCHIVED)) &&
        (!filters.favorites || (r.flags & FLAG_FAVORITE) !== 0);
      // An empty box lists nothing, unless "favorites only" alone is the question.
      if (!text && !filters.favorites) return { items: [], total: 0 };
      const semantic = clip?.semantic();
      let hits: SearchHit[];
      try {
        hits = await index.search(text, { limit: index.size, ...(semantic ? { semantic } : {}) });
      } catch (e) {
        if (!semantic) throw e;
        // The text model would not load or run here: words still answer, and the UI says why.
        clip?.fail(e instanceof Error ? e.message : String(e));
        hits = await index.search(text, { limit: index.size });
      }
      const items: TimelineItem[] = [];
      let total = 0;
      for (const h of hits) {
        const r = rows.get(h.id);
        if (!r || !keep(r)) continue;
        total++;
        if (items.length < MAX_RESULTS) items.push(r);
      }
      if (!clip) return { items, total };
      const status = clip.status();
      const best = hits.find((h) => h.matched.length === 1 && h.matched[0] === 'semantic')?.score;
      return {
        items,
        total,
        semantic: status.state === 'on' && semantic && best !== undefined ? { ...status, best } : status,
      };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stop() {
      listeners.clear();
      off();
      offMl?.();
      offClip?.();
      ml?.stop();
      clip?.stop();
    },
  };
}
