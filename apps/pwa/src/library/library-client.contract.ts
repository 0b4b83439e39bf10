/**
 * The contract every LibraryClient passes (modelled on automerge-repo's
 * runStorageAdapterTests): the local IndexedDB replica now, the synced catalog adapter later.
 */
import { describe, expect, it } from 'vitest';
import type { LibraryChange, LibraryClient, NewLocalAsset } from './library-client.ts';
import { FLAG_FAVORITE, FLAG_TRASHED } from './timeline-item.ts';

/** A fresh client and how to dispose of it. */
export interface LibraryClientFixture {
  client: LibraryClient;
  teardown(): Promise<void>;
}

const hex = (n: number) => n.toString(16).padStart(64, '0');

function asset(n: number, capturedAt: number, extra: Partial<NewLocalAsset> = {}): NewLocalAsset {
  return {
    id: hex(n),
    type: 'image',
    mime: 'image/jpeg',
    size: 1000 + n,
    capturedAt,
    width: 4000,
    height: 3000,
    ...extra,
  };
}

export function runLibraryClientContract(name: string, setup: () => Promise<LibraryClientFixture>): void {
  describe(`LibraryClient contract: ${name}`, () => {
    async function withClient(fn: (c: LibraryClient) => Promise<void>): Promise<void> {
      const { client, teardown } = await setup();
      await client.start();
      try {
        await fn(client);
      } finally {
        await client.stop();
        await teardown();
      }
    }

    it('starts empty', () =>
      withClient(async (c) => {
        expect(await c.months()).toEqual([]);
        expect(await c.listAlbums()).toEqual([]);
        expect(await c.albumsNotHere()).toBe(0);
        expect(await c.getAsset(hex(1))).toBeUndefined();
      }));

    it('adds assets idempotently and lists months newest first with counts', () =>
      withClient(async (c) => {
        const july = Date.UTC(2024, 6, 10, 12);
        const r1 = await c.addAssets([
          asset(1, july),
          asset(2, july + 3600_000),
          asset(3, Date.UTC(2023, 0, 2)),
          asset(1, july),
        ]);
        expect(r1.added).toEqual([hex(1), hex(2), hex(3)]);
        expect(r1.existing).toEqual([hex(1)]);
        const r2 = await c.addAssets([asset(2, july)]);
        expect(r2).toEqual({ added: [], existing: [hex(2)] });
        expect(await c.months()).toEqual([
          { month: '2024-07', count: 2 },
          { month: '2023-01', count: 1 },
        ]);
        const rows = await c.monthItems('2024-07');
        expect(rows.map((r) => r.id)).toEqual([hex(2), hex(1)]);
        expect(rows[0]!.ratio).toBeCloseTo(4 / 3);
        expect(await c.monthItems('1999-01')).toEqual([]);
      }));

    it('edits update the asset and its timeline row, and emit a change', () =>
      withClient(async (c) => {
        const t = Date.UTC(2024, 1, 1);
        await c.addAssets([
          asset(1, t, { thumbhash: 'YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw' }),
          asset(2, t + 1),
        ]);
        const changes: LibraryChange[] = [];
        const off = c.onChange((ch) => changes.push(ch));
        await c.setFavorite([hex(1)], true);
        await c.trash([hex(2)]);
        await c.setDescription(hex(1), 'at the lake');
        await c.setRating(hex(1), 9);
        off();
        await c.setFavorite([hex(1)], false);
        const a = await c.getAsset(hex(1));
        expect(a?.favorite).toBe(false);
        expect(a?.description).toBe('at the lake');
        expect(a?.rating).toBe(5);
        expect(a?.thumbhash).toBe('YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw');
        const rows = await c.monthItems('2024-02');
        expect(rows.find((r) => r.id === hex(2))!.flags & FLAG_TRASHED).toBe(FLAG_TRASHED);
        expect(changes).toHaveLength(4);
        expect(changes[0]).toEqual({ assets: [hex(1)], albums: [], months: ['2024-02'] });
        await c.restore([hex(2)]);
        expect((await c.getAsset(hex(2)))?.trashedAt).toBeUndefined();
        await c.setFavorite([hex(2)], true);
        expect((await c.monthItems('2024-02')).find((r) => r.id === hex(2))!.flags).toBe(FLAG_FAVORITE);
      }));

    it('albums: create, rename, describe, add (no duplicates), reorder, cover, remove', () =>
      withClient(async (c) => {
        await c.addAssets([asset(1, 1e12), asset(2, 1e12), asset(3, 1e12)]);
        const id = await c.createAlbum('Summer');
        await c.renameAlbum(id, 'Summer 2024');
        await c.describeAlbum(id, 'by the sea');
        await c.addToAlbum(id, [hex(1), hex(2)]);
        await c.addToAlbum(id, [hex(2), hex(3)]);
        await c.reorderAlbum(id, hex(3), 0);
        await c.setAlbumCover(id, hex(2));
        let album = await c.getAlbum(id);
        expect(album).toMatchObject({
          title: 'Summer 2024',
          description: 'by the sea',
          assets: [hex(3), hex(1), hex(2)],
          cover: hex(2),
        });
        await c.removeFromAlbum(id, [hex(2)]);
        album = await c.getAlbum(id);
        expect(album?.assets).toEqual([hex(3), hex(1)]);
        expect(album?.cover).toBeUndefined();
        expect((await c.listAlbums()).map((a) => a.id)).toEqual([id]);
        expect(await c.albumsNotHere()).toBe(0);
      }));

    it('deletes permanently (rows, counts, album entries) and purges the trash after 30 days', () =>
      withClient(async (c) => {
        const t = Date.UTC(2024, 3, 1);
        await c.addAssets([asset(1, t), asset(2, t + 1), asset(3, t + 2)]);
        const album = await c.createAlbum('A');
        await c.addToAlbum(album, [hex(1), hex(2)]);
        await c.setAlbumCover(album, hex(1));
        await c.deletePermanently([hex(1)]);
        expect(await c.getAsset(hex(1))).toBeUndefined();
        expect(await c.months()).toEqual([{ month: '2024-04', count: 2 }]);
        expect((await c.getAlbum(album))?.assets).toEqual([hex(2)]);
        expect((await c.getAlbum(album))?.cover).toBeUndefined();
        await c.trash([hex(2)]);
        const trashedAt = (await c.getAsset(hex(2)))!.trashedAt!;
        expect(await c.purgeTrash(undefined, trashedAt + 29 * 86_400_000)).toEqual([]);
        expect(await c.purgeTrash(undefined, trashedAt + 31 * 86_400_000)).toEqual([hex(2)]);
        expect(await c.months()).toEqual([{ month: '2024-04', count: 1 }]);
      }));

    it('a missing album is a typed error', () =>
      withClient(async (c) => {
        await expect(c.renameAlbum('nosuchalbum1', 'x')).rejects.toMatchObject({ code: 'ALBUM_NOT_FOUND' });
      }));

    it('media URLs exist only for bytes this device holds', () =>
      withClient(async (c) => {
        await c.addAssets([
          asset(1, 1e12, { thumbnail: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/webp' }) }),
        ]);
        expect(await c.mediaUrl(hex(1), 'thumbnail')).toMatch(/^blob:/);
        expect(await c.mediaUrl(hex(1), 'original')).toBeUndefined();
      }));
  });
}
