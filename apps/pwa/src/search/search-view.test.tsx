import 'fake-indexeddb/auto';
import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalLibrary } from '../library/local-library.idb.ts';
import type { NewLocalAsset } from '../library/library-client.ts';
import { LibraryProvider } from '../shell/library-context.tsx';
import { SearchView } from './search-view.tsx';

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

  function mount() {
    const history = createMemoryHistory();
    history.set({ value: '/search' });
    render(() => (
      <LibraryProvider client={lib}>
        <MemoryRouter history={history}>
          <Route path="/search" component={() => <SearchView />} />
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

  it('says why semantic search is unavailable, and still shows the word matches', async () => {
    const history = createMemoryHistory();
    history.set({ value: '/search?q=dog' });
    const client = {
      search: async () => ({
        items: [{ id: hex(1), capturedAt: Date.UTC(2019, 6, 2), ratio: 1.5, flags: 0 }],
        total: 1,
        semantic: { state: 'off' as const, reason: 'the home node publishes no CLIP text model' },
      }),
    };
    render(() => (
      <LibraryProvider client={lib}>
        <MemoryRouter history={history}>
          <Route path="/search" component={() => <SearchView client={client} />} />
        </MemoryRouter>
      </LibraryProvider>
    ));
    await waitFor(() => expect(screen.getByTestId('search-summary').dataset['semantic']).toBe('off'));
    expect(screen.getByTestId('search-summary').textContent).toBe('1 photo');
    expect(screen.getByTestId('semantic-status').textContent).toMatch(
      /Semantic search .* is unavailable: the home node publishes no CLIP text model\. Word search still works\./,
    );
  });

  it('while the search model downloads, shows how far and asks again until it is in', async () => {
    const history = createMemoryHistory();
    history.set({ value: '/search?q=red' });
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
    render(() => (
      <LibraryProvider client={lib}>
        <MemoryRouter history={history}>
          <Route path="/search" component={() => <SearchView client={client} />} />
        </MemoryRouter>
      </LibraryProvider>
    ));
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
