import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.ts';
import { createCatalog, type CatalogOptions } from './create-catalog.ts';
import { createCatalogStorage } from './platform.node.ts';
import type { RootDoc } from './root-doc.ts';
import {
  createTestRoot,
  fakeAssetId,
  fakeDeviceId,
  linkRepos,
  sampleAsset,
  waitUntil,
} from './test-library.ts';

const cleanup: Array<() => Promise<unknown>> = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
// automerge-repo's throttled saves may fire after shutdown: every repo's storage is closed
// after its shutdown (late saves dropped), so the directories can go at the end.
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true, maxRetries: 5 })));
});

const MONTHS = [Date.UTC(2024, 6, 15), Date.UTC(2023, 0, 5), Date.UTC(2019, 4, 1)];
/** 30 assets over three months: n % 3 chooses the month. */
const assets = Array.from({ length: 30 }, (_, n) =>
  sampleAsset(n + 1, { capturedAt: MONTHS[n % 3]! + n * 60_000 }),
);

async function storedLibrary() {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-lazy-'));
  dirs.push(dir);
  const storage = createCatalogStorage(dir);
  const repo = new Repo({ storage, peerId: 'writer' as PeerId });
  const root = createTestRoot(repo);
  const c = createCatalog({ repo, root, deviceId: fakeDeviceId(1) });
  await c.start();
  await c.addAssets(assets);
  c.setFavorite(fakeAssetId(2), true);
  const album = await c.createAlbum('Kept');
  c.addToAlbum(album, [fakeAssetId(1), fakeAssetId(2)]);
  const expected = { months: c.months(), version: c.monthVersion('2023-01'), rows: c.monthAssets('2023-01') };
  await c.stop();
  await repo.shutdown();
  await storage.close();
  return { dir, rootUrl: root.url, expected, album };
}

/** Opens the stored library with a lazy catalog; `evicted` lists evictions as they happen. */
async function openLazy(dir: string, rootUrl: string, name: string, lazy: CatalogOptions['lazyShards'] = {}) {
  const evicted: string[] = [];
  const wakes = new Set<() => void>();
  /** an event source for waitUntil: fires after each eviction */
  const onEvicted = (wake: () => void) => (wakes.add(wake), () => void wakes.delete(wake));
  const storage = createCatalogStorage(dir);
  const repo = new Repo({ storage, peerId: name as PeerId });
  const root = await repo.find<RootDoc>(rootUrl as never);
  const catalog = createCatalog({
    repo,
    root,
    deviceId: fakeDeviceId(2),
    lazyShards: {
      maxOpen: 1,
      idleMs: 0,
      onEvict: (k) => (evicted.push(k), wakes.forEach((w) => w())),
      ...lazy,
    },
  });
  await catalog.start();
  cleanup.push(async () => {
    await catalog.stop();
    await repo.shutdown();
    await storage.close();
  });
  const shardHandles = () =>
    Object.values(repo.handles).filter(
      (h) => h.isReady() && (h.doc() as { kind?: string }).kind === 'asset-shard',
    ).length;
  return { repo, storage, root, catalog, evicted, shardHandles, onEvicted };
}

const onChange = (c: Catalog) => (wake: () => void) => c.onChange(wake);

describe('lazy catalog', { timeout: 30_000 }, () => {
  it('starts from shard summaries without loading a shard, and opens months and assets on demand', async () => {
    const lib = await storedLibrary();
    const { catalog, shardHandles, evicted, onEvicted } = await openLazy(lib.dir, lib.rootUrl, 'lazy');
    expect(shardHandles()).toBe(0);
    expect(catalog.months()).toEqual(lib.expected.months);
    expect(catalog.assetCount()).toBe(30);
    expect(catalog.hasAsset(fakeAssetId(2))).toBe(true);
    // The timeline index compares this stamp with its own: it must not need the document.
    expect(catalog.monthVersion('2023-01')).toBe(lib.expected.version);
    expect(catalog.getAsset(fakeAssetId(2))).toBeUndefined();
    // Albums too open on demand; an edit of a closed album opens it.
    expect(catalog.albumIds()).toEqual([lib.album]);
    expect(catalog.listAlbums()).toEqual([]);
    catalog.renameAlbum(lib.album, 'Renamed');
    await waitUntil(
      () => catalog.getAlbum(lib.album)?.title === 'Renamed',
      [onChange(catalog)],
      5000,
      'album',
    );
    expect(catalog.getAlbum(lib.album)?.assets).toEqual([fakeAssetId(1), fakeAssetId(2)]);

    await catalog.openAssets([fakeAssetId(2)]);
    expect(catalog.getAsset(fakeAssetId(2))?.favorite).toBe(true);
    await catalog.openMonths(['2023-01']);
    expect(catalog.monthAssets('2023-01')).toEqual(lib.expected.rows);
    // Opening two more months with room for one: the least recently read ones go.
    await catalog.openMonths(['2024-07', '2019-05']);
    await waitUntil(() => evicted.length >= 2, [onEvicted], 5000, 'eviction');
    expect(catalog.monthAssets('2019-05')).toHaveLength(10);
    // Reads load read-only copies from storage, not repo handles (several times the memory).
    expect(shardHandles()).toBe(0);
  });

  it('an edit of a closed shard applies once it is open, and survives eviction and a restart', async () => {
    const lib = await storedLibrary();
    const a = await openLazy(lib.dir, lib.rootUrl, 'lazy-a');
    const id = fakeAssetId(4); // 2024-07
    a.catalog.setArchived(id, true);
    await waitUntil(() => a.catalog.getAsset(id)?.archived === true, [onChange(a.catalog)], 5000, 'edit');
    // New assets go to the month's shard (opened for it), deduplicated against closed shards.
    const r = await a.catalog.addAssets([sampleAsset(1), sampleAsset(99, { capturedAt: MONTHS[1]! + 1 })]);
    expect(r).toEqual({ added: [fakeAssetId(99)], existing: [fakeAssetId(1)] });
    await a.catalog.openMonths(['2024-07', '2019-05']);
    await waitUntil(() => a.shardHandles() <= 1, [a.onEvicted], 5000, 'eviction');
    await a.catalog.stop();
    await a.repo.shutdown();
    await a.storage.close(); // B opens the same dir: A's late saves must not land there

    const b = await openLazy(lib.dir, lib.rootUrl, 'lazy-b');
    expect(b.catalog.assetCount()).toBe(31);
    await b.catalog.openAssets([id]);
    expect(b.catalog.getAsset(id)?.archived).toBe(true);
    await b.catalog.openMonths(['2023-01']);
    expect(b.catalog.getAsset(fakeAssetId(99))).toBeDefined();
  });

  // With a budget of one shard this also covers the sweep on connect waiting for room: it
  // used to stall for good (about one run in five) when the eviction ran before it waited.
  it('two lazy peers sync edits of shards that are closed on both sides, in both directions', async () => {
    const lib = await storedLibrary();
    const dir2 = await mkdtemp(join(tmpdir(), 'hearth-lazy-'));
    dirs.push(dir2);
    await import('node:fs/promises').then((fs) => fs.cp(lib.dir, dir2, { recursive: true }));
    // B is another device: its own automerge-repo storage id (a copied dir would share A's).
    await rm(join(dir2, 'st', 'orage-adapter-id'));
    const a = await openLazy(lib.dir, lib.rootUrl, 'peer-a');
    const b = await openLazy(dir2, lib.rootUrl, 'peer-b');
    const link = linkRepos(a.repo, b.repo);
    cleanup.push(async () => link.disconnect());

    // A edits a month B has closed: B's repo loads it for the sync message, B follows it.
    a.catalog.setFavorite(fakeAssetId(7), true); // 2024-07
    expect(b.catalog.hasAsset(fakeAssetId(7))).toBe(true);
    await waitUntil(
      () => (b.catalog.openAssets([fakeAssetId(7)]), b.catalog.getAsset(fakeAssetId(7))?.favorite === true),
      [onChange(b.catalog)],
      10_000,
      'favorite on B',
    );

    // Partition; B edits offline, then closes everything; on reconnect A must get it.
    link.disconnect();
    b.catalog.setRating(fakeAssetId(9), 4); // 2019-05
    await b.catalog.openMonths(['2019-05']);
    await b.catalog.openMonths(['2023-01', '2024-07']);
    await waitUntil(() => b.shardHandles() <= 1, [b.onEvicted], 5000, 'eviction on B');
    await b.catalog.flush();
    link.connect();
    await waitUntil(
      () => (void a.catalog.openAssets([fakeAssetId(9)]), a.catalog.getAsset(fakeAssetId(9))?.rating === 4),
      [onChange(a.catalog)],
      10_000,
      'rating on A',
    );
  });
});
