import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssetDetails, LibraryClient } from '../library/library-client.ts';
import { sampleDetails } from '../library/sample-details.ts';
import { LibraryProvider } from '../shell/library-context.tsx';
import { InfoPanel } from './info-panel.tsx';

/** A library whose edits fail (the device storage is full) and that records what it was asked. */
function failingLibrary() {
  const asked: string[] = [];
  const full = () => Promise.reject(new Error('the device storage is full'));
  const lib = {
    onChange: () => () => {},
    listAlbums: async () => [],
    setRating: (id: string, rating: number) => (asked.push(`${id} rating ${rating}`), full()),
    setDescription: (id: string, text: string) => (asked.push(`${id} description ${text}`), full()),
  } as unknown as LibraryClient;
  return { lib, asked };
}

function mount(lib: LibraryClient, first: AssetDetails) {
  const [asset, setAsset] = createSignal(first);
  render(() => (
    <LibraryProvider client={lib}>
      <InfoPanel asset={asset()} />
    </LibraryProvider>
  ));
  return setAsset;
}

describe('<InfoPanel>', () => {
  afterEach(cleanup);

  it('a rating that fails says so; the next photo does not show that failure', async () => {
    const { lib, asked } = failingLibrary();
    const setAsset = mount(lib, sampleDetails({ id: 'a', rating: 0 }));
    fireEvent.click(screen.getByRole('radio', { name: '3 stars' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('Could not give the photo 3 stars: the device storage is full');
    expect(asked).toEqual(['a rating 3']);
    expect(screen.getByRole('radio', { name: '3 stars' }).getAttribute('aria-checked')).toBe('false');

    setAsset(sampleDetails({ id: 'b', rating: 0 }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('a description that fails to save says so and stays in the field when the photo is read again', async () => {
    const { lib } = failingLibrary();
    const setAsset = mount(lib, sampleDetails({ id: 'a', description: 'old' }));
    const field = screen.getByPlaceholderText<HTMLTextAreaElement>('Add a description');
    fireEvent.change(field, { target: { value: 'Grandma’s 90th' } });
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not save the description: the device storage is full',
    );
    // Read again (another edit of the photo, here or on another device): the typed text stays.
    setAsset(sampleDetails({ id: 'a', description: 'changed elsewhere', rating: 2 }));
    await screen.findByRole('radio', { name: '2 stars', checked: true });
    expect(field.value).toBe('Grandma’s 90th');
    // Another photo shows its own description.
    setAsset(sampleDetails({ id: 'b', description: 'beach' }));
    await waitFor(() => expect(field.value).toBe('beach'));
  });
});
