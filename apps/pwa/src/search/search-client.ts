/**
 * Where the search view's questions go. A paired device asks the peer worker, which indexes
 * the synced catalog (Automerge and the index stay off the main thread). A device that is not
 * paired searches its local replica on the page, with the same code, loaded on first use.
 */
import type { LibraryClient } from '../library/library-client.ts';
import type { PeerClient } from '../peer/peer-client.ts';
import type { LibrarySearch } from './library-search.ts';
import type { SearchFilters, SearchResult } from './search-types.ts';

/** See the file comment. */
export interface SearchClient {
  search(query: string, filters: SearchFilters): Promise<SearchResult>;
  /**
   * `listener` runs when the index changed beyond what the library's own changes say (the
   * worker's machine words and CLIP vectors); returns the unsubscribe
   */
  onIndexChange?(listener: () => void): () => void;
}

// One index per library for the page's lifetime: it follows changes, so it is never rebuilt.
const localIndexes = new WeakMap<LibraryClient, Promise<LibrarySearch>>();

export function createSearchClient(lib: LibraryClient, peer: PeerClient | undefined): SearchClient {
  // The same test main.tsx uses to pick the worker's synced catalog as the library.
  const paired = peer
    ? peer.pairing().then((p) => p?.libraryPublicKey !== undefined)
    : Promise.resolve(false);
  return {
    async search(query, filters) {
      if (peer && (await paired)) return peer.search(query, filters);
      let local = localIndexes.get(lib);
      if (!local) {
        local = import('./library-search.ts').then((m) => m.createLibrarySearch(lib));
        localIndexes.set(lib, local);
      }
      return (await local).search(query, filters);
    },
    // The local index has no machine results: the library's changes are all there is.
    onIndexChange: (listener) => peer?.onSearchChange(listener) ?? (() => {}),
  };
}
