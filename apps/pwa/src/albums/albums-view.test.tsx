import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { MemoryRouter, Route } from '@solidjs/router';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlbumView, LibraryChange, LibraryClient } from '../library/library-client.ts';
import { LibraryProvider } from '../shell/library-context.tsx';
import { AlbumsView } from './albums-view.tsx';

/** A library with no albums where creating one fails (the device storage is full). */
function failingLibrary() {
  const asked: string[] = [];
  const lib = {
    onChange: () => () => {},
    listAlbums: async () => [],
    albumsNotHere: async () => 0,
    createAlbum: (title: string) => {
      asked.push(title);
      return Promise.reject(new Error('the device storage is full'));
    },
  } as unknown as LibraryClient;
  return { lib, asked };
}

/**
 * A library listing 2 albums whose documents are not here (`Trip` is); `arrive()` brings them,
 * as the catalog does: an album change, after which the list and the count read anew.
 */
function libraryWithAlbumsNotHere(local: AlbumView[]) {
  const listeners = new Set<(c: LibraryChange) => void>();
  const state = { albums: local, notHere: 2 };
  const lib = {
    onChange: (l: (c: LibraryChange) => void) => (listeners.add(l), () => void listeners.delete(l)),
    listAlbums: async () => state.albums,
    albumsNotHere: async () => state.notHere,
    mediaUrl: async () => undefined,
  } as unknown as LibraryClient;
  const arrive = (albums: AlbumView[]) => {
    state.albums = [...state.albums, ...albums];
    state.notHere -= albums.length;
    for (const l of listeners) l({ assets: [], albums: albums.map((a) => a.id), months: [] });
  };
  return { lib, arrive };
}

const album = (id: string, title: string): AlbumView => ({
  id,
  title,
  description: '',
  assets: [],
  createdAt: 1,
});

function renderAlbums(lib: LibraryClient) {
  render(() => (
    <LibraryProvider client={lib}>
      <MemoryRouter>
        <Route path="/" component={() => <AlbumsView />} />
      </MemoryRouter>
    </LibraryProvider>
  ));
}

describe('<AlbumsView>', () => {
  afterEach(cleanup);

  it('says how many listed albums are not on this device yet, until they arrive', async () => {
    const { lib, arrive } = libraryWithAlbumsNotHere([album('trip', 'Trip')]);
    renderAlbums(lib);
    expect((await screen.findByRole('status')).textContent).toBe(
      '2 albums are not on this device yet — they appear when a device that has them is online.',
    );
    expect(screen.getByText('Trip')).toBeTruthy();
    arrive([album('crete', 'Crete')]);
    await screen.findByText('Crete');
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(
        '1 album is not on this device yet — it appears when a device that has it is online.',
      ),
    );
    arrive([album('rome', 'Rome')]);
    await screen.findByText('Rome');
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
  });

  it('with only albums not here yet, the page does not say there are no albums', async () => {
    const { lib } = libraryWithAlbumsNotHere([]);
    renderAlbums(lib);
    await screen.findByRole('status');
    expect(screen.queryByText(/No albums yet/)).toBeNull();
  });

  it('on the albums page: a failure says so and the typed title comes back to try again', async () => {
    const { lib, asked } = failingLibrary();
    renderAlbums(lib);
    const field = await screen.findByPlaceholderText<HTMLInputElement>('New album title');
    fireEvent.input(field, { target: { value: ' Crete 2026 ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create album' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not create the album “Crete 2026”: the device storage is full',
    );
    expect(asked).toEqual(['Crete 2026']);
    await waitFor(() => expect(field.value).toBe(' Crete 2026 '));
  });
});
