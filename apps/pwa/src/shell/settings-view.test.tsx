import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryClient } from '../library/library-client.ts';
import { LibraryProvider } from './library-context.tsx';
import { SettingsView } from './settings-view.tsx';

describe('<SettingsView>', () => {
  afterEach(cleanup);

  it('a sample library the device cannot store says so instead of "Adding…" for ever', async () => {
    const lib = {
      addAssets: () => Promise.reject(new Error('the device storage is full')),
    } as unknown as LibraryClient;
    render(() => (
      <LibraryProvider client={lib}>
        <SettingsView />
      </LibraryProvider>
    ));
    fireEvent.input(screen.getByRole('spinbutton'), { target: { value: '3' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add sample library' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not add the sample library: the device storage is full',
    );
    expect(screen.queryByText(/Adding/)).toBeNull();
  });
});
