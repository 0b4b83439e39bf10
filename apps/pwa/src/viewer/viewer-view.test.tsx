import { createMemoryHistory, MemoryRouter, Route } from '@solidjs/router';
import { cleanup, fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssetDetails, LibraryChange, LibraryClient, MediaKind } from '../library/library-client.ts';
import { LibraryProvider } from '../shell/library-context.tsx';
import { ViewerView } from './viewer-view.tsx';
import { sampleDetails } from '../library/sample-details.ts';

const base = sampleDetails({ id: 'still' });

/** A library that answers the viewer from a table and records which media it was asked for. */
function fakeLibrary(assets: AssetDetails[]) {
  const asked: string[] = [];
  let n = 0;
  const lib = {
    getAsset: async (id: string) => assets.find((a) => a.id === id),
    async mediaUrl(id: string, kind: MediaKind) {
      asked.push(`${id}/${kind}`);
      // Playback of a video: the node's tokened URL, a new token each time.
      return kind === 'playback' ? `http://node.test/blobs/${id}?token=t${n++}` : `blob:${id}/${kind}`;
    },
    onChange: () => () => {},
    setFavorite: async () => {},
    listAlbums: async () => [],
  } as unknown as LibraryClient;
  return { lib, asked };
}

function mount(lib: LibraryClient, id: string) {
  const history = createMemoryHistory();
  history.set({ value: `/photos/${id}` });
  render(() => (
    <LibraryProvider client={lib}>
      <MemoryRouter history={history}>
        <Route path="/photos/:id" component={() => <ViewerView />} />
      </MemoryRouter>
    </LibraryProvider>
  ));
}

const stage = () => document.querySelector<HTMLElement>('.viewer-stage')!;
const zoom = () => Number(stage().dataset['zoom']);
const pointer = (type: string, id: number, x: number, kind = 'touch') =>
  fireEvent(
    stage(),
    new PointerEvent(type, { pointerId: id, clientX: x, clientY: 0, pointerType: kind, bubbles: true }),
  );

describe('<ViewerView>', () => {
  afterEach(cleanup);

  it('pinch zooms with two fingers, a double-tap zooms back out', async () => {
    const { lib } = fakeLibrary([base]);
    mount(lib, 'still');
    await screen.findByRole('img');
    pointer('pointerdown', 1, -50);
    pointer('pointerdown', 2, 50);
    pointer('pointermove', 1, -100);
    pointer('pointermove', 2, 100);
    expect(zoom()).toBe(2);
    pointer('pointerup', 1, -100);
    pointer('pointerup', 2, 100);
    for (let i = 0; i < 2; i++) {
      pointer('pointerdown', 3, 0);
      pointer('pointerup', 3, 0);
    }
    expect(zoom()).toBe(1);
  });

  it('a double-click zooms in and brings the original (from the home node if not here); 0 resets', async () => {
    const { lib, asked } = fakeLibrary([base]);
    mount(lib, 'still');
    const img = await screen.findByRole('img');
    pointer('pointerdown', 1, 0, 'mouse');
    pointer('pointerup', 1, 0, 'mouse');
    fireEvent.dblClick(img);
    expect(zoom()).toBe(2.5);
    await waitFor(() => expect(img.getAttribute('src')).toBe('blob:still/original'));
    expect(asked).toContain('still/original');
    fireEvent.keyDown(document.body, { key: '0' });
    expect(zoom()).toBe(1);
  });

  it('a Live Photo plays its paired video from the LIVE badge', async () => {
    const { lib, asked } = fakeLibrary([{ ...base, livePhotoVideo: 'motion' }]);
    mount(lib, 'still');
    const badge = await screen.findByRole('button', { name: 'Play Live Photo' });
    expect(asked).not.toContain('motion/playback'); // asked for on the first play only
    fireEvent.click(badge);
    const v = await screen.findByTestId('live-video');
    expect(v.getAttribute('src')).toMatch(/^http:\/\/node\.test\/blobs\/motion\?token=/);
    expect(badge.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(badge);
    await waitFor(() => expect(screen.queryByTestId('live-video')).toBeNull());
  });

  it('an asset opened before its month synced appears (with its LIVE badge) once the month arrives', async () => {
    const assets: AssetDetails[] = [];
    const { lib } = fakeLibrary(assets);
    const listeners: ((c: LibraryChange) => void)[] = [];
    lib.onChange = (l) => (listeners.push(l), () => {});
    mount(lib, 'still');
    await screen.findByText('Loading…');
    // Nothing to save yet: the button says so rather than swallowing a click.
    expect(screen.getByRole('button', { name: 'Download original' }).hasAttribute('disabled')).toBe(true);
    assets.push({ ...base, livePhotoVideo: 'motion' });
    // The month's index, not the asset, is what the page hears of.
    for (const l of listeners) l({ assets: [], albums: [], months: ['2001-09'] });
    await screen.findByRole('button', { name: 'Play Live Photo' });
    expect(screen.getByRole('button', { name: 'Download original' }).hasAttribute('disabled')).toBe(false);
  });

  it('an asset opened before its month synced shows its preview (not only the thumbhash) once the month arrives', async () => {
    const assets: AssetDetails[] = [];
    const { lib } = fakeLibrary(assets);
    const mediaUrl = lib.mediaUrl.bind(lib);
    // As the catalog answers: no record, no preview to fetch.
    lib.mediaUrl = async (id, kind) => (assets.some((a) => a.id === id) ? mediaUrl(id, kind) : undefined);
    const listeners: ((c: LibraryChange) => void)[] = [];
    lib.onChange = (l) => (listeners.push(l), () => {});
    mount(lib, 'still');
    await screen.findByText('Loading…');
    assets.push({ ...base, thumbhash: 'AAAA' });
    for (const l of listeners) l({ assets: [], albums: [], months: ['2001-09'] });
    const img = await screen.findByRole('img');
    await waitFor(() => expect(img.getAttribute('src')).toBe('blob:still/preview'));
  });

  it('a preview that could not be had (no home node reached yet) shows once one is (a `media` change)', async () => {
    const { lib } = fakeLibrary([{ ...base, thumbhash: 'AAAA' }]);
    const mediaUrl = lib.mediaUrl.bind(lib);
    let reached = false;
    lib.mediaUrl = async (id, kind) => {
      if (!reached) throw new Error('the home node is not connected');
      return mediaUrl(id, kind);
    };
    const listeners: ((c: LibraryChange) => void)[] = [];
    lib.onChange = (l) => (listeners.push(l), () => {});
    mount(lib, 'still');
    const img = await screen.findByRole('img');
    expect(img.getAttribute('src')).toMatch(/^data:/); // the thumbhash
    reached = true;
    for (const l of listeners) l({ assets: [], albums: [], months: [], media: true });
    await waitFor(() => expect(img.getAttribute('src')).toBe('blob:still/preview'));
  });

  it('a video that could not be streamed (no home node reached yet) plays once one is reached', async () => {
    const { lib } = fakeLibrary([{ ...base, id: 'clip', type: 'video', mime: 'video/mp4' }]);
    const mediaUrl = lib.mediaUrl.bind(lib);
    let reached = false;
    lib.mediaUrl = async (id, kind) => {
      if (!reached && kind === 'playback') throw new Error('the home node is not connected');
      return mediaUrl(id, kind);
    };
    const listeners: ((c: LibraryChange) => void)[] = [];
    lib.onChange = (l) => (listeners.push(l), () => {});
    mount(lib, 'clip');
    await screen.findByRole('img'); // the poster, while there is no stream
    reached = true;
    for (const l of listeners) l({ assets: [], albums: [], months: [], media: true });
    await waitFor(() => expect(document.querySelector('video')?.getAttribute('src')).toMatch(/token=t\d+$/));
  });

  it('a Live Photo whose video could not be had at the first click plays at the next', async () => {
    const { lib } = fakeLibrary([{ ...base, livePhotoVideo: 'motion' }]);
    const mediaUrl = lib.mediaUrl.bind(lib);
    let fail = true;
    let failed = 0;
    lib.mediaUrl = async (id, kind) => {
      if (kind === 'playback' && fail) throw new Error(`the home node is not reachable (${++failed})`);
      return mediaUrl(id, kind);
    };
    mount(lib, 'still');
    const badge = await screen.findByRole('button', { name: 'Play Live Photo' });
    fireEvent.click(badge);
    await waitFor(() => expect(failed).toBe(1));
    await new Promise((r) => setTimeout(r)); // the failed play settles (its promise chain)
    expect(screen.queryByTestId('live-video')).toBeNull();
    expect(badge.getAttribute('aria-pressed')).toBe('false');
    fail = false;
    fireEvent.click(badge);
    const v = await screen.findByTestId('live-video');
    expect(v.getAttribute('src')).toMatch(/^http:\/\/node\.test\/blobs\/motion\?token=/);
  });

  it('the info panel names an album that reached this device after the photo', async () => {
    const { lib } = fakeLibrary([base]);
    const albums: { id: string; title: string; assets: string[] }[] = [];
    lib.listAlbums = async () => albums as Awaited<ReturnType<LibraryClient['listAlbums']>>;
    const listeners: ((c: LibraryChange) => void)[] = [];
    lib.onChange = (l) => (listeners.push(l), () => {});
    mount(lib, 'still');
    await screen.findByRole('img');
    fireEvent.keyDown(document.body, { key: 'i' });
    await screen.findByRole('complementary', { name: 'Info' });
    expect(screen.queryByText('Albums')).toBeNull();
    albums.push({ id: 'a1', title: 'Holidays', assets: ['still'] });
    for (const l of listeners) l({ assets: [], albums: ['a1'], months: [] });
    await screen.findByText('Holidays');
  });

  it('a home node joining reads the asset again (its "backed up on" list)', async () => {
    const { lib } = fakeLibrary([base]);
    const listeners: ((c: LibraryChange) => void)[] = [];
    let reads = 0;
    const getAsset = lib.getAsset.bind(lib);
    lib.getAsset = (id) => (reads++, getAsset(id));
    lib.onChange = (l) => (listeners.push(l), () => {});
    mount(lib, 'still');
    await screen.findByRole('img');
    const before = reads;
    for (const l of listeners) l({ assets: [], albums: [], months: [], homeNodes: true });
    await waitFor(() => expect(reads).toBe(before + 1));
  });

  it('with a mouse, a click on the badge keeps what the hover started playing, until clicked again', async () => {
    const { lib } = fakeLibrary([{ ...base, motion: true }]);
    mount(lib, 'still');
    const badge = await screen.findByRole('button', { name: 'Play Live Photo' });
    const mouse = (type: string) =>
      fireEvent(badge, new PointerEvent(type, { pointerId: 1, pointerType: 'mouse', bubbles: true }));
    mouse('pointerenter');
    await screen.findByTestId('live-video');
    fireEvent.click(badge);
    mouse('pointerleave');
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('live-video')).not.toBeNull();
    expect(badge.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(badge);
    await waitFor(() => expect(screen.queryByTestId('live-video')).toBeNull());
  });

  it("a motion photo plays the video inside it (its own 'motion' media) from the same LIVE badge", async () => {
    const { lib, asked } = fakeLibrary([
      { ...base, motion: true },
      { ...base, id: 'plain' },
    ]);
    mount(lib, 'still');
    const badge = await screen.findByRole('button', { name: 'Play Live Photo' });
    expect(asked).not.toContain('still/motion');
    fireEvent.click(badge);
    const v = await screen.findByTestId('live-video');
    expect(v.getAttribute('src')).toBe('blob:still/motion');
    fireEvent.ended(v);
    await waitFor(() => expect(screen.queryByTestId('live-video')).toBeNull());
    cleanup();
    // A plain photo has no badge.
    mount(lib, 'plain');
    await screen.findByRole('img');
    expect(screen.queryByRole('button', { name: 'Play Live Photo' })).toBeNull();
  });

  it('a streamed video whose token expired gets a fresh URL and goes on', async () => {
    const { lib, asked } = fakeLibrary([{ ...base, id: 'clip', type: 'video', mime: 'video/mp4' }]);
    mount(lib, 'clip');
    await waitFor(() => expect(document.querySelector('video')?.getAttribute('src')).toMatch(/token=t0$/));
    const video = document.querySelector('video')!;
    fireEvent.error(video);
    await waitFor(() => expect(video.getAttribute('src')).toMatch(/token=t1$/));
    expect(asked.filter((a) => a === 'clip/playback')).toHaveLength(2);
    // Not again at once: a video failing for another reason is not retried in a loop.
    fireEvent.error(video);
    expect(asked.filter((a) => a === 'clip/playback')).toHaveLength(2);
  });

  it('a favorite that fails to save says so over the photo', async () => {
    const { lib } = fakeLibrary([base]);
    const failing = { ...lib, setFavorite: () => Promise.reject(new Error('the device storage is full')) };
    mount(failing as LibraryClient, 'still');
    await screen.findByRole('img');
    fireEvent.click(screen.getByRole('button', { name: 'Favorite' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not mark the photo as a favorite: the device storage is full',
    );
  });
});
