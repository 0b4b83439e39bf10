import { afterEach, describe, expect, it } from 'vitest';
import type { Repo } from '@automerge/automerge-repo';
import type { AssetId, BlobHash } from '../ids.ts';
import type { Catalog, CatalogChange } from './catalog.ts';
import type { InvalidCatalogDataError } from './catalog-errors.ts';
import type { RootDoc } from './root-doc.ts';
import { createCatalog } from './create-catalog.ts';
import { SHARD_SPLIT_AT } from './shard-key.ts';
import {
  createTestRoot,
  fakeAssetId,
  fakeDeviceId,
  linkRepos,
  memoryRepo,
  sampleAsset,
  waitUntil,
} from './test-library.ts';

const repos: Repo[] = [];
const catalogs: Catalog[] = [];

async function newCatalog(name = 'a', device = 1) {
  const repo = memoryRepo(name);
  repos.push(repo);
  const root = createTestRoot(repo);
  const catalog = createCatalog({ repo, root, deviceId: fakeDeviceId(device) });
  catalogs.push(catalog);
  await catalog.start();
  return { repo, root, catalog };
}

afterEach(async () => {
  for (const c of catalogs.splice(0)) await c.stop();
  for (const r of repos.splice(0)) await r.shutdown();
});

describe('catalog operations', { timeout: 30_000 }, () => {
  it('adds assets idempotently by content hash and reads them back', async () => {
    const { catalog, root } = await newCatalog();
    const first = await catalog.addAssets([
      sampleAsset(1),
      sampleAsset(2, { capturedAt: Date.UTC(2023, 0, 5) }),
    ]);
    expect(first.added).toEqual([fakeAssetId(1), fakeAssetId(2)]);
    const again = await catalog.addAssets([sampleAsset(1)]);
    expect(again).toEqual({ added: [], existing: [fakeAssetId(1)] });
    expect(catalog.months()).toEqual(['2024-07', '2023-01']);
    expect(Object.keys(root.doc().shards).sort()).toEqual(['2023-01', '2024-07']);
    const a = catalog.getAsset(fakeAssetId(1));
    expect(a).toMatchObject({
      id: fakeAssetId(1),
      shard: '2024-07',
      type: 'image',
      width: 4032,
      favorite: false,
      holders: [fakeDeviceId(1)],
    });
    expect(a?.ratio).toBeCloseTo(4032 / 3024);
  });

  it('puts an asset in the month of its local capture time', async () => {
    const { catalog } = await newCatalog();
    // 23:30 UTC on 31 Dec 2023 is 08:30 on 1 Jan 2024 in Tokyo (+540 min).
    await catalog.addAssets([
      sampleAsset(3, { capturedAt: Date.UTC(2023, 11, 31, 23, 30), tzOffsetMin: 540 }),
    ]);
    expect(catalog.months()).toEqual(['2024-01']);
  });

  it('rejects bad input before writing anything', async () => {
    const { catalog } = await newCatalog();
    await expect(
      catalog.addAssets([sampleAsset(4), { ...sampleAsset(5), id: 'nope' as AssetId }]),
    ).rejects.toMatchObject({ code: 'CATALOG_INVALID_INPUT' });
    expect(catalog.months()).toEqual([]);
    expect(() => catalog.setFavorite(fakeAssetId(99), true)).toThrow(
      expect.objectContaining({ code: 'CATALOG_ASSET_NOT_FOUND' }),
    );
  });

  it('edits user fields, trash and restore, and permanent deletion', async () => {
    const { catalog } = await newCatalog();
    await catalog.addAssets([sampleAsset(1), sampleAsset(2)]);
    const id = fakeAssetId(1);
    catalog.setFavorite(id, true);
    catalog.setArchived(id, true);
    catalog.setRating(id, 4);
    catalog.setDescription(id, 'Beach');
    catalog.setTags(id, ['sea', 'summer']);
    catalog.setTags(id, ['sea', 'sun']);
    expect(catalog.getAsset(id)).toMatchObject({
      favorite: true,
      archived: true,
      rating: 4,
      description: 'Beach',
      tags: ['sea', 'sun'],
    });
    expect(() => catalog.setRating(id, 9)).toThrow(
      expect.objectContaining({ code: 'CATALOG_INVALID_INPUT' }),
    );
    catalog.trash([id]);
    expect(catalog.getAsset(id)?.trashedAt).toBeTypeOf('number');
    catalog.restore([id]);
    expect(catalog.getAsset(id)?.trashedAt).toBeUndefined();
    const album = await catalog.createAlbum('Holiday');
    catalog.addToAlbum(album, [id, fakeAssetId(2)]);
    catalog.deletePermanently([id]);
    expect(catalog.getAsset(id)).toBeUndefined();
    expect(catalog.getAlbum(album)?.assets).toEqual([fakeAssetId(2)]);
    expect(catalog.monthAssets('2024-07').map((a) => a.id)).toEqual([fakeAssetId(2)]);
  });

  it('records derived blob refs; an older pipeline never overwrites a newer ref', async () => {
    const { catalog } = await newCatalog();
    const id = fakeAssetId(7);
    await catalog.addAssets([sampleAsset(7)]);
    const thumb1 = fakeAssetId(100) as string as BlobHash;
    const thumb2 = fakeAssetId(101) as string as BlobHash;
    const changed = new Promise<CatalogChange>((resolve) => catalog.onChange(resolve));
    catalog.setDerived(id, {
      thumbnail: { hash: thumb1, pipeline: 2 },
      preview: { hash: thumb2, pipeline: 2 },
    });
    expect((await changed).assets).toContain(id);
    catalog.setDerived(id, { thumbnail: { hash: thumb2, pipeline: 1 } });
    expect(catalog.getAsset(id)?.derived).toEqual({
      thumbnail: { hash: thumb1, pipeline: 2 },
      preview: { hash: thumb2, pipeline: 2 },
    });
    catalog.setDerived(id, { thumbnail: { hash: thumb2, pipeline: 3 } });
    expect(catalog.getAsset(id)?.derived['thumbnail']).toEqual({ hash: thumb2, pipeline: 3 });
    expect(() => catalog.setDerived(id, { thumbnail: { hash: 'nope' as BlobHash, pipeline: 3 } })).toThrow(
      expect.objectContaining({ code: 'CATALOG_INVALID_INPUT' }),
    );
    expect(() => catalog.setDerived(id, { 'Bad/Kind': { hash: thumb1, pipeline: 3 } })).toThrow(
      expect.objectContaining({ code: 'CATALOG_INVALID_INPUT' }),
    );
    expect(() => catalog.setDerived(fakeAssetId(8), { thumbnail: { hash: thumb1, pipeline: 1 } })).toThrow(
      expect.objectContaining({ code: 'CATALOG_ASSET_NOT_FOUND' }),
    );
  });

  it('manages albums: order, reorder, cover, rename, remove', async () => {
    const { catalog } = await newCatalog();
    const ids = [1, 2, 3].map(fakeAssetId);
    const album = await catalog.createAlbum('  Trip ');
    catalog.addToAlbum(album, ids);
    catalog.addToAlbum(album, [ids[0]!]);
    catalog.reorderAlbum(album, ids[2]!, 0);
    catalog.setAlbumCover(album, ids[1]!);
    catalog.renameAlbum(album, 'Trip 2024');
    catalog.describeAlbum(album, 'Alps');
    expect(catalog.getAlbum(album)).toMatchObject({
      title: 'Trip 2024',
      description: 'Alps',
      cover: ids[1],
      assets: [ids[2], ids[0], ids[1]],
    });
    catalog.removeFromAlbum(album, [ids[1]!]);
    const after = catalog.getAlbum(album);
    expect(after?.assets).toEqual([ids[2], ids[0]]);
    expect(after?.cover).toBeUndefined();
    expect(catalog.listAlbums().map((a) => a.id)).toEqual([album]);
    expect(() => catalog.renameAlbum(album, ' ')).toThrow(
      expect.objectContaining({ code: 'CATALOG_INVALID_INPUT' }),
    );
  });

  it('splits a month above the shard size', async () => {
    const { catalog, root } = await newCatalog();
    const many = Array.from({ length: SHARD_SPLIT_AT + 5 }, (_, i) =>
      sampleAsset(i + 1, { capturedAt: Date.UTC(2024, 6, 1) + i * 1000 }),
    );
    const r = await catalog.addAssets(many);
    expect(r.added).toHaveLength(SHARD_SPLIT_AT + 5);
    expect(Object.keys(root.doc().shards).sort()).toEqual(['2024-07', '2024-07.1']);
    expect(catalog.monthAssets('2024-07')).toHaveLength(SHARD_SPLIT_AT + 5);
    expect(catalog.getAsset(fakeAssetId(SHARD_SPLIT_AT + 3))?.shard).toBe('2024-07.1');
  });

  it('emits change events naming assets, albums and months', async () => {
    const { catalog } = await newCatalog();
    const seen: Array<{ assets: string[]; albums: string[]; months: string[] }> = [];
    catalog.onChange((c) => seen.push(c));
    await catalog.addAssets([sampleAsset(7)]);
    catalog.setFavorite(fakeAssetId(7), true);
    const album = await catalog.createAlbum('A');
    catalog.addToAlbum(album, [fakeAssetId(7)]);
    expect(seen.some((c) => c.assets.includes(fakeAssetId(7)) && c.months.includes('2024-07'))).toBe(true);
    expect(seen.filter((c) => c.albums.includes(album)).length).toBeGreaterThan(0);
  });
});

describe('catalog convergence between devices', { timeout: 60_000 }, () => {
  it('a photo imported on two disconnected devices becomes one record, keeping both sides edits', async () => {
    const a = await newCatalog('a', 1);
    const repoB = memoryRepo('b');
    repos.push(repoB);
    const link = linkRepos(a.repo, repoB);
    const rootB = await repoB.find<RootDoc>(a.root.url);
    const b = createCatalog({ repo: repoB, root: rootB, deviceId: fakeDeviceId(2) });
    catalogs.push(b);
    await b.start();
    link.disconnect();

    const photo = sampleAsset(42);
    await a.catalog.addAssets([photo]);
    await b.addAssets([photo, sampleAsset(43)]);
    a.catalog.setFavorite(photo.id, true);
    b.setArchived(photo.id, true);
    b.setTags(photo.id, ['b-tag']);
    a.catalog.setTags(photo.id, ['a-tag']);

    link.connect();
    const same = () => {
      const x = a.catalog.getAsset(photo.id);
      const y = b.getAsset(photo.id);
      return (
        !!x &&
        !!y &&
        x.holders.length === 2 &&
        y.holders.length === 2 &&
        x.archived &&
        y.favorite &&
        x.tags.length === 2 &&
        y.tags.length === 2 &&
        !!a.catalog.getAsset(fakeAssetId(43))
      );
    };
    await waitUntil(same, [a.catalog.onChange, b.onChange], 20_000, 'both devices to converge');
    const x = a.catalog.getAsset(photo.id)!;
    expect(x).toMatchObject({ favorite: true, archived: true, tags: ['a-tag', 'b-tag'] });
    expect(x.holders.sort()).toEqual([fakeDeviceId(1), fakeDeviceId(2)].sort());
    expect(b.getAsset(photo.id)).toEqual(x);
    expect(a.catalog.monthAssets('2024-07').map((r) => r.id)).toEqual(
      b.monthAssets('2024-07').map((r) => r.id),
    );
    expect(Object.keys(a.root.doc().shards)).toEqual(['2024-07']);
  });
});

describe('catalog validation', () => {
  it('skips and reports malformed records and documents from a peer', async () => {
    const { catalog, repo, root } = await newCatalog();
    const reports: InvalidCatalogDataError[] = [];
    catalog.onInvalid((e) => reports.push(e));
    await catalog.addAssets([sampleAsset(1), sampleAsset(2)]);
    const shard = await repo.find<Record<string, unknown>>(root.doc().shards['2024-07']! as never);
    shard.change((d) => {
      const assets = d['assets'] as Record<string, Record<string, unknown>>;
      assets[fakeAssetId(2)]!['width'] = 'wide';
      assets['junk'] = { id: 'junk' } as never;
    });
    const garbage = repo.create({ kind: 'album', schema: 7 });
    root.change((r) => {
      r.albums['bogus-album-1'] = garbage.url;
      r.shards['not-a-month'] = 'x';
    });
    await waitUntil(
      () => reports.some((e) => e.message.includes('bogus-album-1')),
      [(w) => catalog.onInvalid(w)],
      5000,
      'album report',
    );
    expect(catalog.monthAssets('2024-07').map((a) => a.id)).toEqual([fakeAssetId(1)]);
    expect(catalog.getAsset(fakeAssetId(2))).toBeUndefined();
    expect(reports.every((e) => e.code === 'CATALOG_INVALID_DATA')).toBe(true);
    expect(reports.map((e) => e.message).join('\n')).toMatch(/not-a-month/);
    expect(catalog.listAlbums()).toEqual([]);
  });
});
