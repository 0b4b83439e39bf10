import { describe, expect, it } from 'vitest';
import type { AssetId, BlobHash, Catalog, NewAsset } from '@hearth/sync';
import type { AssetRecord, DerivedRecord } from './asset-record.ts';
import { projectAssets } from './catalog-projection.ts';

const id = (n: number) => n.toString(16).padStart(64, '0') as AssetId;

function asset(n: number, type: AssetRecord['type']): AssetRecord {
  return {
    id: id(n),
    original: id(n) as string as BlobHash,
    type,
    mime: type === 'photo' ? 'image/jpeg' : 'video/mp4',
    size: 1000 + n,
    fileName: `f${n}`,
    importedAt: 1_700_000_000_000,
  };
}

/** Records what the projection writes; the real Catalog's own behaviour is tested in @hearth/sync. */
function recordingCatalog() {
  const added: NewAsset[] = [];
  const catalog = {
    getAsset: (a: AssetId) => (added.some((x) => x.id === a) ? ({} as never) : undefined),
    addAssets: (list: NewAsset[]) => {
      added.push(...list);
      return Promise.resolve({ added: list.map((x) => x.id), existing: [] });
    },
  } as unknown as Catalog;
  return { catalog, added };
}

describe('projectAssets', () => {
  it('waits for the step that carries thumbhash and size: images for photos, video for videos', async () => {
    const assets = [asset(1, 'photo'), asset(2, 'video'), asset(3, 'video')];
    const derived = new Map<AssetId, Map<string, DerivedRecord>>([
      [
        id(1),
        new Map([
          [
            'images',
            {
              asset: id(1),
              kind: 'images',
              version: 1,
              blobs: {},
              values: { thumbhash: 'AAA', width: 4, height: 3 },
            },
          ],
        ]),
      ],
      // A video whose images record exists must still wait for its video step.
      [
        id(3),
        new Map([
          [
            'video',
            {
              asset: id(3),
              kind: 'video',
              version: 1,
              blobs: {},
              values: { thumbhash: 'VVV', width: 16, height: 9 },
            },
          ],
        ]),
      ],
      [
        id(2),
        new Map([
          ['images', { asset: id(2), kind: 'images', version: 1, blobs: {}, values: { thumbhash: 'XXX' } }],
        ]),
      ],
    ]);
    const journal = { assets: () => assets.values(), derived: (a: AssetId) => derived.get(a) ?? new Map() };
    const { catalog, added } = recordingCatalog();
    const marked: AssetId[] = [];
    const n = await projectAssets(
      () => Promise.resolve(catalog),
      journal,
      (a) => {
        marked.push(a);
        return Promise.resolve();
      },
    );
    expect(n).toBe(2);
    expect(added.map((a) => [a.id, a.thumbhash, a.width, a.height])).toEqual([
      [id(1), 'AAA', 4, 3],
      [id(3), 'VVV', 16, 9],
    ]);
    expect(marked).toEqual([id(1), id(3)]);
  });
});
