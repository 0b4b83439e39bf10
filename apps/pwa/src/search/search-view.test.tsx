import 'fake-indexeddb/auto';
import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalLibrary } from '../library/local-library.idb.ts';
import type { LibraryChange, LibraryClient, NewLocalAsset } from '../library/library-client.ts';
import { LibraryProvider } from '../shell/library-context.tsx';
import { createSearchClient } from './search-client.ts';
import { RERUN_MS, SearchView } from './search-view.tsx';

// happy-dom has no layout: give the scroller a laptop-sized box.
const sizes = { clientWidth: 1000, clientHeight: 800 };
const saved: PropertyDescriptor[] = [];
const hex = (n: number) => n.toString(16).padStart(64, '0');
const photo = (n: number, fileName: string, capturedAt: number): NewLocalAsset => ({
  id: hex(n),
  type: 'image',
  mime: 'image/jpeg',
  size: 100,
  capturedAt,
  width: 300,
  height: 200,
  fileName,
});

// Not paired (no peer client): the page searches the local replica with the same index code.
describe('<SearchView> over the local library', () => {
  const lib = createLocalLibrary({ dbName: 'search-view' });
  beforeAll(async () => {
    for (const [k, v] of Object.entries(sizes)) {
      saved.push(Object.getOwnPropertyDescriptor(HTMLElement.prototype, k)!);
      Object.defineProperty(HTMLElement.prototype, k, { configurable: true, get: () => v });
    }
    await lib.start();
    await lib.addAssets([
      photo(1, 'beach_dog.jpg', Date.UTC(2019, 6, 2)),
      photo(2, 'beach_sunset.jpg', Date.UTC(2021, 6, 2)),
      photo(3, 'mountain.jpg', Date.UTC(2019, 1, 2)),
    ]);
  });
  afterEach(cleanup);
  afterAll(async () => {
    Object.entries(sizes).forEach(([k], i) => Object.defineProperty(HTMLElement.prototype, k, saved[i]!));
    await lib.stop();
  });

  /** The search page at `at`, over `library` (the local one by default), asking `client` if given. */
  function mount(
    at = '/search',
    opts: { library?: LibraryClient; client?: Parameters<typeof SearchView>[0]['client'] } = {},
  ) {
    const history = createMemoryHistory();
    history.set({ value: at });
    render(() => (
      <LibraryProvider client={opts.library ?? lib}>
        <MemoryRouter history={history}>
          <Route
            path="/search"
            component={() => <SearchView {...(opts.client ? { client: opts.client } : {})} />}
          />
          <Route path="/photos/:id" component={() => <p>viewer</p>} />
        </MemoryRouter>
      </LibraryProvider>
    ));
    return history;
  }

  it('shows the matching photos as tiles; "/" focuses the box; a tile opens the viewer', async () => {
    const history = mount();
    const box = await screen.findByRole('searchbox', { name: 'Search your photos' });
    box.blur();
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(box);

    fireEvent.input(box, { target: { value: 'beach' } });
    // The first query loads the index code and reads the library: more than waitFor's 1 s default.
    await waitFor(() => expect(screen.getByTestId('search-summary').dataset['answered']).toBe('beach'), {
      timeout: 10_000,
    });
    const ids = () => [...document.querySelectorAll<HTMLElement>('.tile')].map((t) => t.dataset['id']);
    expect(ids()).toEqual([hex(2), hex(1)]); // equal scores: newest first
    expect(screen.getByTestId('search-summary').textContent).toBe('2 photos');

    fireEvent.input(box, { target: { value: 'beach 2019' } });
    await waitFor(() => expect(ids()).toEqual([hex(1)]));
    fireEvent.input(box, { target: { value: 'winter' } });
    await waitFor(() => expect(screen.getByTestId('search-summary').textContent).toBe('No photos match.'));
    expect(ids()).toEqual([]);

    fireEvent.input(box, { target: { value: 'mountain' } });
    await waitFor(() => expect(ids()).toEqual([hex(3)]));
    fireEvent.click(document.querySelector('.tile')!);
    await waitFor(() => expect(history.get()).toBe(`/photos/${hex(3)}`));
  });

  it('a photo that reaches the library while its query is shown appears without typing again', async () => {
    mount('/search?q=harbour', { client: createSearchClient(lib, undefined) });
    const summary = () => screen.getByTestId('search-summary');
    await waitFor(() => expect(summary().dataset['answered']).toBe('harbour'), { timeout: 10_000 });
    expect(summary().textContent).toBe('No photos match.');
    // As a sync brings it in: the library says it changed, and nobody types.
    await lib.addAssets([photo(4, 'harbour_boats.jpg', Date.UTC(2022, 4, 1))]);
    await waitFor(() => expect(summary().textContent).toBe('1 photo'), { timeout: 10_000 });
    expect(document.querySelector<HTMLElement>('.tile')?.dataset['id']).toBe(hex(4));
  });

  it('asks once for a burst of changes (library or index), not for media or home-node changes, nothing while the box is empty', async () => {
    vi.useFakeTimers();
    try {
      const listeners = new Set<(c: LibraryChange) => void>();
      const stub = {
        onChange: (l: (c: LibraryChange) => void) => (listeners.add(l), () => void listeners.delete(l)),
      } as unknown as LibraryClient;
      const change = (c: Partial<LibraryChange>) => {
        for (const l of listeners) l({ assets: [], albums: [], months: [], ...c });
      };
      const asked: string[] = [];
      const indexListeners = new Set<() => void>();
      const client = {
        search: async (q: string) => (asked.push(q), { items: [], total: 0 }),
        onIndexChange: (l: () => void) => (indexListeners.add(l), () => void indexListeners.delete(l)),
      };
      const history = mount('/search', { library: stub, client });
      await vi.advanceTimersByTimeAsync(1000);
      expect(asked).toEqual(['']); // the empty box is answered once (the hint)
      change({ assets: [hex(1)] });
      await vi.advanceTimersByTimeAsync(RERUN_MS * 3);
      expect(asked).toEqual(['']);

      history.set({ value: '/search?q=dog' });
      await vi.advanceTimersByTimeAsync(1000);
      expect(asked).toEqual(['', 'dog']);
      change({ assets: [hex(1)] });
      change({ months: ['2024-07'] });
      change({ albums: ['a'] });
      await vi.advanceTimersByTimeAsync(RERUN_MS - 1);
      expect(asked).toEqual(['', 'dog']); // coalesced: asked once the burst had time to land
      await vi.advanceTimersByTimeAsync(1);
      expect(asked).toEqual(['', 'dog', 'dog']);
      change({ media: true });
      change({ homeNodes: true });
      await vi.advanceTimersByTimeAsync(RERUN_MS * 3);
      expect(asked).toEqual(['', 'dog', 'dog']);
      // The worker's index changed by itself (machine words, CLIP vectors): asked again too.
      for (const l of indexListeners) l();
      await vi.advanceTimersByTimeAsync(RERUN_MS);
      expect(asked).toEqual(['', 'dog', 'dog', 'dog']);
      // Unmounted: changes ask nothing.
      cleanup();
      expect(listeners.size).toBe(0);
      expect(indexListeners.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says why semantic search is unavailable, and still shows the word matches', async () => {
    const client = {
      search: async () => ({
        items: [{ id: hex(1), capturedAt: Date.UTC(2019, 6, 2), ratio: 1.5, flags: 0 }],
        total: 1,
        semantic: { state: 'off' as const, reason: 'the home node publishes no CLIP text model' },
      }),
    };
    mount('/search?q=dog', { client });
    await waitFor(() => expect(screen.getByTestId('search-summary').dataset['semantic']).toBe('off'));
    expect(screen.getByTestId('search-summary').textContent).toBe('1 photo');
    expect(screen.getByTestId('semantic-status').textContent).toMatch(
      /Semantic search .* is unavailable: the home node publishes no CLIP text model\. Word search still works\./,
    );
  });

  it('while the search model downloads, shows how far and asks again until it is in', async () => {
    const answers = [
      { state: 'loading' as const, progress: 0 },
      { state: 'loading' as const, progress: 0.42 },
      { state: 'on' as const, photos: 3 },
    ];
    let asked = 0;
    const client = {
      search: async () => ({
        items: [{ id: hex(1), capturedAt: Date.UTC(2019, 6, 2), ratio: 1.5, flags: 0 }],
        total: 1,
        semantic: answers[Math.min(asked++, answers.length - 1)]!,
      }),
    };
    mount('/search?q=red', { client });
    await waitFor(
      () =>
        expect(screen.getByTestId('semantic-status').textContent).toBe(
          'Downloading the search model… 42% (word results meanwhile)',
        ),
      { timeout: 5000 },
    );
    await waitFor(() => expect(screen.getByTestId('search-summary').dataset['semantic']).toBe('on'), {
      timeout: 5000,
    });
    expect(screen.queryByTestId('semantic-status')).toBeNull();
    expect(asked).toBe(3); // no more questions once it is in
  });
});
