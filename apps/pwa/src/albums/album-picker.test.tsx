import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryClient } from '../library/library-client.ts';
import { AlbumPicker } from './album-picker.tsx';

describe('<AlbumPicker>', () => {
  afterEach(cleanup);

  it('creating an album that fails says so, keeps the title and picks nothing', async () => {
    const lib = {
      listAlbums: async () => [],
      createAlbum: () => Promise.reject(new Error('the device storage is full')),
    } as unknown as LibraryClient;
    const picked: string[] = [];
    render(() => <AlbumPicker lib={lib} onPick={(id) => picked.push(id)} onClose={() => {}} />);
    const field = screen.getByPlaceholderText<HTMLInputElement>('New album title');
    fireEvent.input(field, { target: { value: 'Crete' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not create the album “Crete”: the device storage is full',
    );
    expect(field.value).toBe('Crete');
    expect(picked).toEqual([]);
  });
});
