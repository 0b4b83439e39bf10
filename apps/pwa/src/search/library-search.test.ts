// @vitest-environment node
// The worker-side search over a real catalog (automerge-repo in memory), as the peer worker runs it.
import 'fake-indexeddb/auto';
import { Repo } from '@automerge/automerge-repo';
import { createCatalog, type DeviceId, type RootDoc } from '@hearth/sync';
import { createTestRoot, fakeDeviceId, linkRepos } from '@hearth/sync/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCatalogLibrary } from '../catalog/catalog-library.ts';
import { openIdbMediaCache } from '../catalog/media-cache.idb.ts';
import type { LibraryChange, LibraryClient, NewLocalAsset } from '../library/library-client.ts';
import { createLibrarySearch, type LibrarySearch } from './library-search.ts';
import type { MlSearchSource } from './ml-search-source.ts';
import { openIdbSearchCache } from './search-cache.idb.ts';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const FALCON = hex(1);
const ROCKS = hex(2);
const RIDGE = hex(3);
const FIR = hex(4);

function asset(n: number, capturedAt: number, extra: Partial<NewLocalAsset>): NewLocalAsset {
  return {
    id: hex(n),
    type: 'image',
    mime: 'image/jpeg',
    size: 1000 + n,
    capturedAt,
    width: 400,
    height: 300,
    ...extra,
  };
}

let n = 0;
let repo: Repo | undefined;
let search: LibrarySearch | undefined;
afterEach(async () => {
  search?.stop();
  await repo?.shutdown();
});

async function setup(): Promise<{ lib: LibraryClient; s: LibrarySearch; reads: { months: number } }> {
  repo = new Repo({ network: [] });
  const deviceId: DeviceId = fakeDeviceId(1);
  const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId });
  const lib = createCatalogLibrary({
    catalog,
    media: await openIdbMediaCache(`search-media-${n++}`),
    deviceId,
  });
  await lib.start();
  await lib.addAssets([
    asset(1, Date.UTC(2022, 2, 31, 11), {
      fileName: 'prairie_falcon.jpg',
      camera: { make: 'Canon', model: 'Canon EOS R5' },
    }),
    asset(2, Date.UTC(2012, 7, 5, 11), {
      fileName: 'el_torcal_rocks.jpg',
      camera: { make: 'SONY', model: 'DSLR-A550' },
    }),
    asset(3, Date.UTC(2023, 8, 25, 8), {
      fileName: 'tanners_ridge.jpg',
      camera: { make: 'NIKON CORPORATION', model: 'NIKON D750' },
    }),
    asset(4, Date.UTC(2023, 6, 1, 8), { fileName: 'silver_fir.jpg' }),
  ]);
  // Counts full reads of the library: the index is built once, never per query.
  const reads = { months: 0 };
  const counted: LibraryClient = {
    ...lib,
    months: () => {
      reads.months++;
      return lib.months();
    },
  };
  search = createLibrarySearch(counted);
  await search.ready;
  return { lib, s: search, reads };
}

const ids = async (s: LibrarySearch, q: string, f = {}) => (await s.search(q, f)).items.map((i) => i.id);

describe('library search (worker side, over the synced catalog)', () => {
  it('finds by file name words, camera make/model, years and seasons; every word must match', async () => {
    const { s, reads } = await setup();
    expect(s.size()).toBe(4);
    expect(await ids(s, 'falcon')).toEqual([FALCON]);
    expect(await ids(s, 'torcal rocks')).toEqual([ROCKS]);
    expect(await ids(s, 'nikon')).toEqual([RIDGE]);
    expect(await ids(s, 'sony dslr')).toEqual([ROCKS]);
    expect(await ids(s, 'canon 2022')).toEqual([FALCON]);
    expect(await ids(s, 'canon 2023')).toEqual([]);
    expect(await ids(s, '2012')).toEqual([ROCKS]);
    // Summer is June–August: the fir (July) is in, the ridge (September) is not.
    expect(await ids(s, 'summer 2023')).toEqual([FIR]);
    expect(await ids(s, '2023')).toEqual([RIDGE, FIR]); // newest first
    expect(await ids(s, '2012-2022')).toEqual([FALCON, ROCKS]);
    expect(await ids(s, 'fal')).toEqual([FALCON]); // prefixes, as one types
    expect(await ids(s, 'nothing-like-this')).toEqual([]);
    expect(await ids(s, '   ')).toEqual([]);
    expect(reads.months).toBe(1);
  });

  it('follows catalog changes: descriptions, albums (added, renamed), favorites, archive, trash, delete', async () => {
    const { lib, s, reads } = await setup();
    await lib.setDescription(FIR, 'Misty morning in the Black Forest');
    await vi.waitFor(async () => expect(await ids(s, 'misty forest')).toEqual([FIR]));

    const album = await lib.createAlbum('Andalusia trip');
    await lib.addToAlbum(album, [ROCKS, FALCON]);
    await vi.waitFor(async () => expect(await ids(s, 'andalusia')).toEqual([FALCON, ROCKS]));
    await lib.renameAlbum(album, 'Spain');
    await vi.waitFor(async () => expect(await ids(s, 'spain')).toEqual([FALCON, ROCKS]));
    expect(await ids(s, 'andalusia')).toEqual([]);
    await lib.removeFromAlbum(album, [FALCON]);
    await vi.waitFor(async () => expect(await ids(s, 'spain')).toEqual([ROCKS]));

    await lib.setFavorite([RIDGE], true);
    await vi.waitFor(async () => expect(await ids(s, '', { favorites: true })).toEqual([RIDGE]));
    expect(await ids(s, '2023', { favorites: true })).toEqual([RIDGE]);
    expect(await ids(s, '')).toEqual([]); // an empty box alone lists nothing

    await lib.setArchived([FIR], true);
    await vi.waitFor(async () => expect(await ids(s, 'summer 2023')).toEqual([]));
    expect(await ids(s, 'summer 2023', { archived: true })).toEqual([FIR]);

    await lib.trash([FALCON]);
    await vi.waitFor(async () => expect(await ids(s, 'falcon')).toEqual([]));
    await lib.restore([FALCON]);
    await vi.waitFor(async () => expect(await ids(s, 'falcon')).toEqual([FALCON]));

    await lib.deletePermanently([ROCKS]);
    await vi.waitFor(async () => expect(await ids(s, 'torcal')).toEqual([]));
    expect(s.size()).toBe(3);
    expect(reads.months).toBe(1);
  });

  it('indexes assets that arrive after the first build (as a sync brings them)', async () => {
    const { lib, s } = await setup();
    await lib.addAssets([asset(5, Date.UTC(2019, 4, 2), { fileName: 'wood_anemones.jpg' })]);
    await vi.waitFor(async () => expect(await ids(s, 'anemones 2019')).toEqual([hex(5)]));
    expect(await ids(s, 'may 2019')).toEqual([hex(5)]);
  });
});

describe('library search change events (the page asks a shown query again)', () => {
  it('tells its listeners once a library change or new machine words are in the index; not for media or home-node changes', async () => {
    const { lib } = await setup();
    const raise = new Set<(c: LibraryChange) => void>();
    const wrapped: LibraryClient = {
      ...lib,
      onChange(l) {
        raise.add(l);
        const off = lib.onChange(l);
        return () => (raise.delete(l), off());
      },
    };
    let words: ((ids: string[]) => void) | undefined;
    const bird = new Set<string>();
    const ml: MlSearchSource = {
      ready: Promise.resolve(),
      words: (id) => (bird.has(id) ? { tags: ['bird'], people: [] } : undefined),
      onChange: (l) => ((words = l), () => (words = undefined)),
      stop: () => {},
    };
    const s = createLibrarySearch(wrapped, ml);
    try {
      await s.ready;
      /** what a query saw when each change was told */
      const heard: number[] = [];
      s.onChange(() => heard.push(s.size()));
      for (const l of raise) l({ assets: [], albums: [], months: [], media: true });
      for (const l of raise) l({ assets: [], albums: [], months: [], homeNodes: true });
      await lib.addAssets([asset(5, Date.UTC(2019, 4, 2), { fileName: 'wood_anemones.jpg' })]);
      // Changes are told in order: media or home-node changes would have come first.
      await vi.waitFor(() => expect(heard).toEqual([5]));
      bird.add(FALCON);
      words?.([FALCON]);
      await vi.waitFor(() => expect(heard).toEqual([5, 5]));
      expect(await ids(s, 'bird')).toEqual([FALCON]);
    } finally {
      s.stop();
    }
  });
});

describe('library search on a device that syncs from another', () => {
  it(
    'indexes a month whose shard reaches this device whole (named by month, not by asset)',
    { timeout: 30_000 },
    async () => {
      const home = new Repo({ network: [] });
      const phone = new Repo({ network: [] });
      const cleanup = async () => {
        await phone.shutdown();
        await home.shutdown();
      };
      try {
        const root = createTestRoot(home);
        const homeLib = createCatalogLibrary({
          catalog: createCatalog({ repo: home, root, deviceId: fakeDeviceId(1) }),
          media: await openIdbMediaCache(`search-home-${n++}`),
          deviceId: fakeDeviceId(1),
        });
        await homeLib.start();
        linkRepos(home, phone);
        const phoneLib = createCatalogLibrary({
          catalog: createCatalog({
            repo: phone,
            root: await phone.find<RootDoc>(root.url),
            deviceId: fakeDeviceId(2),
          }),
          media: await openIdbMediaCache(`search-phone-${n++}`),
          deviceId: fakeDeviceId(2),
        });
        await phoneLib.start();
        const s = createLibrarySearch(phoneLib);
        await s.ready;
        expect(s.size()).toBe(0);
        await homeLib.addAssets([asset(1, Date.UTC(2022, 2, 31), { fileName: 'prairie_falcon.jpg' })]);
        await vi.waitFor(async () => expect(await phoneLib.getAsset(FALCON)).toBeDefined(), {
          timeout: 10_000,
        });
        await vi.waitFor(async () => expect(await ids(s, 'falcon')).toEqual([FALCON]), { timeout: 5_000 });
        s.stop();
        await phoneLib.stop();
        await homeLib.stop();
      } finally {
        await cleanup();
      }
    },
  );
});

describe('library search across worker restarts (the per-month cache)', () => {
  it('takes unchanged months from the cache and reads only the months that moved on', async () => {
    repo = new Repo({ network: [] });
    const deviceId: DeviceId = fakeDeviceId(1);
    const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId });
    const lib = createCatalogLibrary({
      catalog,
      media: await openIdbMediaCache(`search-cache-media-${n++}`),
      deviceId,
    });
    await lib.start();
    await lib.addAssets([
      asset(1, Date.UTC(2022, 2, 31), { fileName: 'prairie_falcon.jpg' }),
      asset(2, Date.UTC(2012, 7, 5), { fileName: 'el_torcal_rocks.jpg' }),
    ]);
    const reads: string[] = [];
    const counted: LibraryClient = {
      ...lib,
      getAsset: (id) => {
        reads.push(id);
        return lib.getAsset(id);
      },
    };
    const db = `hearth-search-test-${n++}`;
    const session = async () => {
      const cache = openIdbSearchCache(db, (m) => lib.monthVersion(m));
      const s = createLibrarySearch(counted, undefined, cache);
      await s.ready;
      s.stop();
      cache.close();
      return s;
    };
    const first = await session();
    expect(reads.sort()).toEqual([FALCON, ROCKS]);
    expect(await ids(first, 'falcon')).toEqual([FALCON]);

    // A restart: nothing moved, nothing is read through the catalog, the same answers.
    reads.length = 0;
    const second = await session();
    expect(reads).toEqual([]);
    expect(await ids(second, 'torcal')).toEqual([ROCKS]);
    expect(second.size()).toBe(2);

    // An edit while the search was not running: only that month is read again.
    await lib.setDescription(ROCKS, 'Limestone in Andalusia');
    reads.length = 0;
    const third = await session();
    expect(reads).toEqual([ROCKS]);
    expect(await ids(third, 'limestone')).toEqual([ROCKS]);
    expect(await ids(third, 'falcon')).toEqual([FALCON]);
  });
});
