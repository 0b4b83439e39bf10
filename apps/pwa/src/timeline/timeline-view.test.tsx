import 'fake-indexeddb/auto';
import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalLibrary } from '../library/local-library.idb.ts';
import { syntheticLibrary } from '../library/synthetic-library.ts';
import { FLAG_FAVORITE, monthKeyOf } from '../library/timeline-item.ts';
import { LibraryProvider } from '../shell/library-context.tsx';
import type { LibraryClient } from '../library/library-client.ts';
import { TimelineView } from './timeline-view.tsx';

// happy-dom has no layout: give the scroller a laptop-sized box.
const sizes = { clientWidth: 1000, clientHeight: 800 };
const saved: PropertyDescriptor[] = [];

describe('<TimelineView>', () => {
  const lib = createLocalLibrary({ dbName: 'timeline-view' });
  const assets = syntheticLibrary({ count: 3000, seed: 3, years: 2 });

  beforeAll(async () => {
    for (const [k, v] of Object.entries(sizes)) {
      saved.push(Object.getOwnPropertyDescriptor(HTMLElement.prototype, k)!);
      Object.defineProperty(HTMLElement.prototype, k, { configurable: true, get: () => v });
    }
    await lib.start();
    await lib.addAssets(assets);
  });
  afterEach(cleanup);
  afterAll(async () => {
    Object.entries(sizes).forEach(([k], i) => Object.defineProperty(HTMLElement.prototype, k, saved[i]!));
    await lib.stop();
  });

  function mount(client: LibraryClient = lib) {
    const history = createMemoryHistory();
    render(() => (
      <LibraryProvider client={client}>
        <MemoryRouter history={history}>
          <Route
            path="/"
            component={() => <TimelineView filter="timeline" title="Photos" empty="Nothing here" />}
          />
          <Route path="/photos/:id" component={() => <p>viewer</p>} />
        </MemoryRouter>
      </LibraryProvider>
    ));
    return history;
  }

  it('paints the newest month from the index with only a screenful of tiles', async () => {
    mount();
    const newest = assets.reduce((a, b) => (a.capturedAt > b.capturedAt ? a : b));
    await waitFor(() => expect(document.querySelector(`.tile[data-id="${newest.id}"]`)).not.toBeNull());
    const tiles = document.querySelectorAll('.tile');
    expect(tiles.length).toBeGreaterThan(4);
    expect(tiles.length).toBeLessThan(300);
    const [y, m] = monthKeyOf(newest.capturedAt).split('-').map(Number);
    const label = new Date(Date.UTC(y!, m! - 1, 15)).toLocaleDateString(undefined, {
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    expect(screen.getByRole('heading', { name: label })).toBeTruthy();
    expect(screen.getByRole('slider', { name: 'Jump to a month' })).toBeTruthy();
  });

  it('a click opens the viewer; shift-click selects and Favorite applies to the selection', async () => {
    const history = mount();
    await waitFor(() => expect(document.querySelectorAll('.tile').length).toBeGreaterThan(2));
    const [a, , c] = [...document.querySelectorAll<HTMLButtonElement>('.tile')];
    fireEvent.click(a!, { shiftKey: true });
    fireEvent.click(c!, { shiftKey: true });
    await screen.findByText('3 selected');
    expect(a!.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Favorite' }));
    const id = a!.dataset['id']!;
    await waitFor(async () => {
      const asset = await lib.getAsset(id);
      expect(asset?.favorite).toBe(true);
    });
    const rows = await lib.monthItems(monthKeyOf((await lib.getAsset(id))!.capturedAt));
    expect(rows.find((r) => r.id === id)!.flags & FLAG_FAVORITE).toBe(FLAG_FAVORITE);
    await waitFor(() => expect(screen.queryByText('3 selected')).toBeNull());
    const first = document.querySelector<HTMLButtonElement>('.tile')!;
    fireEvent.click(first);
    await screen.findByText('viewer');
    expect(history.get()).toBe(`/photos/${first.dataset['id']}`);
  });

  it('a bulk action that fails says so and keeps the selection to try again', async () => {
    // The same library, except that marking favorites fails (a full disk, a closed database).
    const failing = new Proxy(lib, {
      get: (target, key, receiver) =>
        key === 'setFavorite'
          ? () => Promise.reject(new Error('the device storage is full'))
          : (Reflect.get(target, key, receiver) as unknown),
    });
    mount(failing);
    await waitFor(() => expect(document.querySelectorAll('.tile').length).toBeGreaterThan(2));
    const [a, b] = [...document.querySelectorAll<HTMLButtonElement>('.tile')];
    const before = (await lib.getAsset(a!.dataset['id']!))?.favorite;
    fireEvent.click(a!, { shiftKey: true });
    fireEvent.click(b!, { shiftKey: true });
    await screen.findByText('2 selected');
    fireEvent.click(screen.getByRole('button', { name: 'Favorite' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Could not mark them as favorites: the device storage is full');
    expect(screen.getByText('2 selected')).toBeTruthy();
    expect((await lib.getAsset(a!.dataset['id']!))?.favorite).toBe(before);
  });
});
