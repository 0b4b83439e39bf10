import { cleanup, render, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { PwaError } from '../errors.ts';
import type { LibraryChange, LibraryClient } from '../library/library-client.ts';
import type { TimelineItem } from '../library/timeline-item.ts';
import { TimelineTile } from './timeline-tile.tsx';
import type { PlacedTile } from './timeline-layout.ts';

const item = { id: 'p1', capturedAt: 1e12, ratio: 1, flags: 0, thumb: 'h1' } as unknown as TimelineItem;
const tile = { item, box: { left: 0, top: 0, width: 100, height: 100 } } as unknown as PlacedTile;

/** A library whose home node is not reached until `reach()`: thumbnails not held fail meanwhile. */
function fakeLibrary() {
  const listeners = new Set<(c: LibraryChange) => void>();
  let reached = false;
  let asked = 0;
  const lib = {
    async mediaUrl(id: string) {
      asked++;
      if (!reached) throw new PwaError('HOME_OFFLINE', 'the home node is not connected');
      return `blob:${id}/thumbnail`;
    },
    onChange: (l: (c: LibraryChange) => void) => (listeners.add(l), () => void listeners.delete(l)),
  } as unknown as LibraryClient;
  return {
    lib,
    listeners,
    asked: () => asked,
    reach() {
      reached = true;
      for (const l of listeners) l({ assets: [], albums: [], months: [], media: true });
    },
  };
}

const mount = (lib: LibraryClient) =>
  render(() => (
    <TimelineTile
      tile={tile}
      lib={lib}
      selected={false}
      selecting={false}
      onActivate={() => {}}
      onLongPress={() => {}}
    />
  ));

describe('<TimelineTile>', () => {
  afterEach(cleanup);

  it('a thumbnail asked for before the home node was reached shows once it is (a `media` change)', async () => {
    const f = fakeLibrary();
    mount(f.lib);
    await waitFor(() => expect(f.asked()).toBe(1));
    expect(document.querySelector('.tile img')).toBeNull();
    f.reach();
    await waitFor(() =>
      expect(document.querySelector('.tile img')?.getAttribute('src')).toBe('blob:p1/thumbnail'),
    );
    expect(f.asked()).toBe(2);
  });

  it('a tile showing its thumbnail does not ask again, and stops listening once removed', async () => {
    const f = fakeLibrary();
    f.reach();
    const { unmount } = mount(f.lib);
    await waitFor(() => expect(document.querySelector('.tile img')).not.toBeNull());
    f.reach();
    await new Promise((r) => setTimeout(r, 100)); // past the tile's 60 ms ask delay
    expect(f.asked()).toBe(1);
    unmount();
    expect(f.listeners.size).toBe(0);
  });
});
