import { cleanup, render, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssetDetails, LibraryChange, LibraryClient } from '../library/library-client.ts';
import { AlbumThumb } from './album-thumb.tsx';
import { sampleDetails } from '../library/sample-details.ts';

const photo = sampleDetails({ id: 'p1' });

/** A library answering from a table (no record: no thumbnail either, as the catalog answers). */
function fakeLibrary(assets: AssetDetails[]) {
  const listeners = new Set<(c: LibraryChange) => void>();
  const reads = { n: 0 };
  const lib = {
    getAsset: async (id: string) => (reads.n++, assets.find((a) => a.id === id)),
    mediaUrl: async (id: string) => (assets.some((a) => a.id === id) ? `blob:${id}/thumbnail` : undefined),
    onChange: (l: (c: LibraryChange) => void) => (listeners.add(l), () => void listeners.delete(l)),
  } as unknown as LibraryClient;
  const emit = (c: Partial<LibraryChange>) => {
    for (const l of listeners) l({ assets: [], albums: [], months: [], ...c });
  };
  return { lib, emit, listeners, reads };
}

const background = () => document.querySelector<HTMLElement>('.album-thumb')!.style.backgroundImage;

describe('<AlbumThumb>', () => {
  afterEach(cleanup);

  it("shows a photo whose month reached this device after the album did (the month's change names no asset)", async () => {
    const assets: AssetDetails[] = [];
    const { lib, emit, reads } = fakeLibrary(assets);
    render(() => <AlbumThumb lib={lib} id="p1" label="" />);
    await waitFor(() => expect(reads.n).toBe(1));
    expect(background()).toBe('');
    assets.push(photo);
    emit({ months: ['2001-09'] });
    await waitFor(() => expect(background()).toContain('blob:p1/thumbnail'));
  });

  it('a thumbnail that could not be had (no home node reached yet) shows once one is (a `media` change)', async () => {
    const { lib, emit, reads } = fakeLibrary([photo]);
    const mediaUrl = lib.mediaUrl.bind(lib);
    let reached = false;
    lib.mediaUrl = async (id, kind) => {
      if (!reached) throw new Error('the home node is not connected');
      return mediaUrl(id, kind);
    };
    render(() => <AlbumThumb lib={lib} id="p1" label="" />);
    await waitFor(() => expect(reads.n).toBe(1));
    expect(background()).toBe('');
    reached = true;
    emit({ media: true });
    await waitFor(() => expect(background()).toContain('blob:p1/thumbnail'));
  });

  it('stops listening once removed', async () => {
    const { lib, listeners } = fakeLibrary([photo]);
    const { unmount } = render(() => <AlbumThumb lib={lib} id="p1" label="" />);
    await waitFor(() => expect(background()).toContain('blob:p1/thumbnail'));
    expect(listeners.size).toBe(1);
    unmount();
    expect(listeners.size).toBe(0);
  });
});
