/**
 * The media side of the catalog adapter: an asset's bytes from this device's cache, fetched
 * from the home node on demand when missing or stale (verified by `remote` first), object URLs
 * for them, and stream URLs for videos held only on the node. Used by `catalog-library.ts`.
 */
import type { Asset, AssetId, Catalog } from '@hearth/sync';
import type { MediaKind } from '../library/library-client.ts';
import type { MediaCache } from './media-cache.ts';

/** Fetches an asset's media from elsewhere (the home node); must verify before resolving. */
export type RemoteMedia = (asset: Asset, kind: MediaKind) => Promise<Blob | undefined>;

/** What the media side reads: the catalog (for hashes), the cache, and the node's ways in. */
export interface CatalogMediaOptions {
  catalog: Catalog;
  media: MediaCache;
  remote?: RemoteMedia;
  /** A tokened URL of a blob on the home node that a `<video>` can stream (see home-media.ts). */
  streamUrl?: (hash: string) => Promise<string>;
}

/** An asset's bytes and URLs (see `CatalogLibrary` for what each call means). */
export interface CatalogMedia {
  mediaBlob(id: string, kind: MediaKind, hash?: string): Promise<Blob | undefined>;
  mediaUrl(id: string, kind: MediaKind, hash?: string): Promise<string | undefined>;
  streamUrl(id: string): Promise<string | undefined>;
  /** Revokes the object URL of an original removed from this device (free up space). */
  forgetOriginal(id: string): void;
  /** Revokes every URL and waits for stores into the cache still running. */
  stop(): Promise<void>;
}

export function createCatalogMedia(opts: CatalogMediaOptions): CatalogMedia {
  const { catalog, media, remote, streamUrl } = opts;
  const urls = new Map<string, string>();
  const fetching = new Map<string, Promise<Blob | undefined>>();
  /** Fetched bytes whose store into the media cache is still running. */
  const storing = new Map<string, { blob: Blob; done: Promise<unknown>; hash?: string }>();
  // A lazy catalog reads only open shards: open the asset's first (a no-op on an eager one).
  const openAsset = (id: string) => catalog.openAssets([id as AssetId]);

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
    mediaBlob,
    streamUrl: streamOf,
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
    forgetOriginal(id) {
      const key = `${id}/original/`;
      const u = urls.get(key);
      if (u) URL.revokeObjectURL(u);
      urls.delete(key);
    },
    async stop() {
      for (const u of urls.values()) URL.revokeObjectURL(u);
      urls.clear();
      await Promise.all([...storing.values()].map((s) => s.done));
    },
  };
}
