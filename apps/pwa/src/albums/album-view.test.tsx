import 'fake-indexeddb/auto';
import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryClient } from '../library/library-client.ts';
import { AlbumNotFoundError } from '../library/library-errors.ts';
import { createLocalLibrary } from '../library/local-library.idb.ts';
import { syntheticLibrary } from '../library/synthetic-library.ts';
import { LibraryProvider } from '../shell/library-context.tsx';
import { AlbumView } from './album-view.tsx';

/** The same library, except that `method` fails while `failing.on` (a full disk, a refused edit). */
function failingIn(lib: LibraryClient, method: keyof LibraryClient, error: (id: string) => Error) {
  const failing = { on: true };
  const client = new Proxy(lib, {
    get: (target, key, receiver) =>
      key === method && failing.on
        ? (id: string) => Promise.reject(error(id))
        : (Reflect.get(target, key, receiver) as unknown),
  });
  return { client, failing };
}

describe('<AlbumView>', () => {
  const lib = createLocalLibrary({ dbName: 'album-view' });
  const assets = syntheticLibrary({ count: 3, seed: 5 });
  let albumId = '';

  beforeAll(async () => {
    await lib.start();
    await lib.addAssets(assets);
    albumId = await lib.createAlbum('Summer');
    await lib.addToAlbum(
      albumId,
      assets.map((a) => a.id),
    );
  });
  afterEach(cleanup);
  afterAll(() => lib.stop());

  function mount(client: LibraryClient) {
    const history = createMemoryHistory();
    history.set({ value: `/albums/${albumId}` });
    render(() => (
      <LibraryProvider client={client}>
        <MemoryRouter history={history}>
          <Route path="/albums/:id" component={() => <AlbumView />} />
        </MemoryRouter>
      </LibraryProvider>
    ));
  }

  it('a rename that fails says so and keeps the typed title, also when the album is read again', async () => {
    const { client, failing } = failingIn(lib, 'renameAlbum', () => new Error('the device storage is full'));
    mount(client);
    const title = await screen.findByLabelText<HTMLInputElement>('Album title');
    fireEvent.change(title, { target: { value: 'Summer in Crete' } });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Could not rename the album: the device storage is full');
    // Another edit of the album (here or on another device) re-reads it: the typed title stays.
    await lib.describeAlbum(albumId, 'by the sea');
    await waitFor(() =>
      expect(screen.getByLabelText<HTMLTextAreaElement>('Album description').value).toBe('by the sea'),
    );
    expect(title.value).toBe('Summer in Crete');
    expect((await lib.getAlbum(albumId))?.title).toBe('Summer');

    // Trying again once the disk has room: the failure goes away and the title is saved.
    failing.on = false;
    fireEvent.change(title, { target: { value: 'Summer in Crete' } });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    await waitFor(async () => expect((await lib.getAlbum(albumId))?.title).toBe('Summer in Crete'));
    expect(title.value).toBe('Summer in Crete');
  });

  it('removing an item the catalog refuses says why, with the code, and the item stays', async () => {
    const { client } = failingIn(lib, 'removeFromAlbum', (id) => new AlbumNotFoundError(id));
    mount(client);
    await screen.findByText('3 items');
    fireEvent.click(screen.getAllByRole('button', { name: 'Remove from album' })[0]!);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(
      /^Could not remove the item from the album: album .* go back to Albums/,
    );
    expect(alert.textContent).toMatch(/\(ALBUM_NOT_FOUND\)$/);
    expect(screen.getByText('3 items')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
