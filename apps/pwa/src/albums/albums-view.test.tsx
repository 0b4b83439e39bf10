import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { MemoryRouter, Route } from '@solidjs/router';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryClient } from '../library/library-client.ts';
import { LibraryProvider } from '../shell/library-context.tsx';
import { AlbumsView } from './albums-view.tsx';

/** A library with no albums where creating one fails (the device storage is full). */
function failingLibrary() {
  const asked: string[] = [];
  const lib = {
    onChange: () => () => {},
    listAlbums: async () => [],
    createAlbum: (title: string) => {
      asked.push(title);
      return Promise.reject(new Error('the device storage is full'));
    },
  } as unknown as LibraryClient;
  return { lib, asked };
}

describe('<AlbumsView>', () => {
  afterEach(cleanup);

  it('on the albums page: a failure says so and the typed title comes back to try again', async () => {
    const { lib, asked } = failingLibrary();
    render(() => (
      <LibraryProvider client={lib}>
        <MemoryRouter>
          <Route path="/" component={() => <AlbumsView />} />
        </MemoryRouter>
      </LibraryProvider>
    ));
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
