// @vitest-environment node
// IndexedDB (fake-indexeddb) in plain Node, as the other IndexedDB tests here.
import 'fake-indexeddb/auto';
import { Repo } from '@automerge/automerge-repo';
import { createCatalog, type AssetId, type BlobHash } from '@hearth/sync';
import { createIdbTimelineIndexStore } from '@hearth/sync/timeline-index';
import { createTestRoot, fakeAssetId, fakeDeviceId, sampleAsset } from '@hearth/sync/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { FLAG_FAVORITE } from '../library/timeline-item.ts';
import { createCatalogLibrary } from './catalog-library.ts';
import { startCatalogTimeline, type CatalogTimeline } from './catalog-timeline.ts';
import { openIdbMediaCache } from './media-cache.idb.ts';
import { openTimelineReader, timelineIndexDbName } from './timeline-index-reader.ts';
import { openTimelineSummaries, timelineSummaryDbName } from './timeline-summaries.idb.ts';

const JULY = Date.UTC(2024, 6, 15);
const MARCH = Date.UTC(2023, 2, 3);
let n = 0;

async function setup() {
  const libraryId = `lib-${n++}`;
  const repo = new Repo({ network: [] });
  const deviceId = fakeDeviceId(1);
  const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId });
  await catalog.start();
  await catalog.addAssets([
    sampleAsset(1, { capturedAt: JULY, tzOffsetMin: 120 }),
    sampleAsset(2, { capturedAt: JULY + 60_000, type: 'video', mime: 'video/mp4' }),
    (({ thumbhash: _none, ...a }) => a)(sampleAsset(3, { capturedAt: MARCH })),
  ]);
  catalog.setDerived(fakeAssetId(1), { thumbnail: { hash: 'ab'.repeat(32) as BlobHash, pipeline: 1 } });
  const months: string[] = [];
  const start = () => startCatalogTimeline({ catalog, libraryId, onMonth: (m) => months.push(m) });
  return { libraryId, repo, catalog, deviceId, months, start };
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0)) await stop();
});
function track(t: CatalogTimeline, repo: Repo): CatalogTimeline {
  running.push(async () => {
    await t.stop();
    await repo.shutdown();
  });
  return t;
}

describe('the timeline index of a paired device', () => {
  it('gives the page the same rows as the catalog, without the catalog', async () => {
    const s = await setup();
    const timeline = track(s.start(), s.repo);
    await timeline.idle();
    const lib = createCatalogLibrary({
      catalog: s.catalog,
      media: await openIdbMediaCache(`media-${s.libraryId}`),
      deviceId: s.deviceId,
    });
    const page = openTimelineReader(s.libraryId);
    expect(await page.months()).toEqual([
      { month: '2024-07', count: 2 },
      { month: '2023-03', count: 1 },
    ]);
    expect(await page.months()).toEqual(await lib.months());
    for (const m of ['2024-07', '2023-03'])
      expect(await page.monthItems(m)).toEqual(
        (await lib.monthItems(m)).map((r) => ({ ...r, ratio: Math.fround(r.ratio) })),
      );
    const [video, photo] = await page.monthItems('2024-07');
    // the camera's offset too, for day headers in its local time
    expect(photo).toMatchObject({ id: fakeAssetId(1), thumb: 'ab'.repeat(32), tzOffsetMin: 120 });
    expect(video!.thumb).toBeUndefined();
    expect(video!.tzOffsetMin).toBeUndefined();
    expect(await page.monthItems('1999-01')).toEqual([]);
    expect(await page.monthItems('../x')).toEqual([]);
    page.close();
  });

  it('follows edits, and says which month changed once the page can read it', async () => {
    const s = await setup();
    const timeline = track(s.start(), s.repo);
    await timeline.idle();
    const page = openTimelineReader(s.libraryId);
    s.months.length = 0;
    s.catalog.setFavorite(fakeAssetId(3), true);
    await timeline.idle();
    expect(s.months).toEqual(['2023-03']);
    expect((await page.monthItems('2023-03'))[0]!.flags & FLAG_FAVORITE).toBe(FLAG_FAVORITE);
    s.catalog.deletePermanently([fakeAssetId(3) as AssetId]);
    await timeline.idle();
    expect(await page.months()).toEqual([{ month: '2024-07', count: 2 }]);
    expect(await page.monthItems('2023-03')).toEqual([]);
    page.close();
  });

  it('restores lost counts at start, and a torn month reads as empty, not as an error', async () => {
    const s = await setup();
    const first = s.start();
    await first.idle();
    await first.stop();
    // The counts are lost (a cleared database), the index is not.
    const summaries = openTimelineSummaries(timelineSummaryDbName(s.libraryId));
    await summaries.set('2024-07', 0);
    summaries.close();
    const page = openTimelineReader(s.libraryId);
    expect(await page.months()).toEqual([{ month: '2023-03', count: 1 }]);
    const again = track(s.start(), s.repo);
    await again.idle();
    expect(await page.months()).toEqual([
      { month: '2024-07', count: 2 },
      { month: '2023-03', count: 1 },
    ]);
    const store = createIdbTimelineIndexStore(timelineIndexDbName(s.libraryId));
    await store.write('2023-03', new Uint8Array([1, 2, 3]));
    await store.close();
    expect(await page.monthItems('2023-03')).toEqual([]);
    expect(await page.monthItems('2024-07')).toHaveLength(2);
    page.close();
  });
});
