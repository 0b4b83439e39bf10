/**
 * The peer worker's machine-learning wiring: the home node's machine words (tags, OCR text,
 * people) and CLIP search, each kept in IndexedDB for offline search; the search index over
 * the synced catalog; and this device's own face/tag analysis while no home node is
 * reachable (issue 7). Each is loaded on first use, so the worker's start-up does not pay.
 */
import type { CatalogPeer } from '../catalog/open-catalog-peer.ts';
import { PwaError } from '../errors.ts';
import type { ClipSearch } from '../ml/clip-search.ts';
import type { LibrarySearch } from '../search/library-search.ts';
import type { MlSearchSource } from '../search/ml-search-source.ts';
import type { SearchFilters, SearchResult } from '../search/search-types.ts';
import { loadPairing } from './device-store.idb.ts';
import type { PairingInfo } from './peer-protocol.ts';

export interface WorkerMl {
  /**
   * Fetches the machine words and CLIP shards soon after the catalog opened (not at the first
   * search, so a device that goes offline before anyone searched still finds photos by tag,
   * OCR text and person), and starts the device's own analysis.
   */
  startSoon(peer: CatalogPeer, info: PairingInfo, nodeReachable: () => boolean): void;
  search(query: string, filters: SearchFilters): Promise<SearchResult>;
}

export function createWorkerMl(
  catalog: () => Promise<CatalogPeer>,
  /** the search index changed (library, machine words, CLIP): a shown answer may be asked again */
  onSearchChange: () => void = () => {},
): WorkerMl {
  let mlSource: Promise<MlSearchSource> | undefined;
  let clipSource: Promise<ClipSearch> | undefined;
  let librarySearch: Promise<LibrarySearch> | undefined;

  /** The home node's machine tags, OCR text and people, kept (IndexedDB) for offline search. */
  function mlWords(peer: CatalogPeer, info: PairingInfo): Promise<MlSearchSource> {
    mlSource ??= (async () => {
      const [{ createMlSearchSource }, { openIdbMlBlobCache }] = await Promise.all([
        import('../search/ml-search-source.ts'),
        import('../search/ml-blob-cache.idb.ts'),
      ]);
      return createMlSearchSource({
        repo: peer.repo,
        root: peer.root,
        cache: await openIdbMlBlobCache(`hearth-ml-${info.libraryId}`),
        fetchBlob: (hash) => peer.remoteBlob(hash),
      });
    })();
    void mlSource.catch(() => (mlSource = undefined));
    return mlSource;
  }

  /** CLIP text search: the home node's shards and text model, kept (IndexedDB) for offline search. */
  function clipSearch(peer: CatalogPeer, info: PairingInfo): Promise<ClipSearch> {
    clipSource ??= (async () => {
      const [{ createClipSearch }, { openIdbMlBlobCache }, { createOnnxWasmRuntime }, { keptWasmRuntime }] =
        await Promise.all([
          import('../ml/clip-search.ts'),
          import('../search/ml-blob-cache.idb.ts'),
          // Not `@hearth/ml/platform`: that one also brings the WebGPU build (a second, 28 MB wasm).
          import('@hearth/ml/onnx-wasm'),
          import('../ml/onnx-wasm-kept.ts'),
        ]);
      return createClipSearch({
        repo: peer.repo,
        root: peer.root,
        cache: await openIdbMlBlobCache(`hearth-clip-${info.libraryId}`),
        fetchBlob: (hash) => peer.remoteBlob(hash),
        // The wasm is kept by the app (a reload offline must not depend on the service worker).
        runtime: () => keptWasmRuntime((wasm) => createOnnxWasmRuntime({ wasmBinary: wasm })),
      });
    })();
    void clipSource.catch(() => (clipSource = undefined));
    return clipSource;
  }

  /**
   * The search index over the synced catalog and the machine words: built on the first search
   * (loaded only then), then kept current from the catalog's changes.
   */
  function searchIndex(): Promise<LibrarySearch> {
    librarySearch ??= (async () => {
      const [{ createLibrarySearch }, { openIdbSearchCache }, peer, info] = await Promise.all([
        import('../search/library-search.ts'),
        import('../search/search-cache.idb.ts'),
        catalog(),
        loadPairing(),
      ]);
      if (!info) throw new PwaError('NOT_PAIRED', 'this device is not paired; pair it under Devices first');
      // What was read in an earlier session, per month, while the month has not changed.
      const cache = openIdbSearchCache(`hearth-search-${info.libraryId}`, (m) =>
        peer.library.monthVersion(m),
      );
      const clip = await clipSearch(peer, info).catch(() => undefined);
      const index = createLibrarySearch(peer.library, await mlWords(peer, info), cache, clip);
      index.onChange(onSearchChange);
      return index;
    })();
    void librarySearch.catch(() => (librarySearch = undefined));
    return librarySearch;
  }

  return {
    startSoon(peer, info, nodeReachable) {
      setTimeout(() => void mlWords(peer, info).catch((e: unknown) => console.info('ML words:', e)), 3000);
      setTimeout(
        () => void clipSearch(peer, info).catch((e: unknown) => console.info('CLIP search:', e)),
        3000,
      );
      // Faces and tags of this device's own imports while no home node is reachable (issue 7).
      setTimeout(
        () =>
          void import('../ml/worker-device-analysis.ts')
            .then((m) =>
              m.startWorkerDeviceAnalysis({
                peer,
                libraryId: info.libraryId,
                deviceId: info.deviceId,
                nodeReachable,
              }),
            )
            .catch((e: unknown) => console.info('device ML:', e)),
        3000,
      );
    },
    search: (query, filters) => searchIndex().then((s) => s.search(query, filters)),
  };
}
