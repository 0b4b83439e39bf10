import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Repo } from '@automerge/automerge-repo';
import type { BlobHash } from '../ids.ts';
import { createCatalog } from './create-catalog.ts';
import { decodeTimelineMonth, encodeTimelineMonth, peekTimelineVersion } from './timeline-codec.ts';
import { createFsTimelineIndexStore } from './timeline-index-store.fs.ts';
import { createMemoryTimelineIndexStore } from './timeline-index-store.memory.ts';
import { createTimelineIndexer } from './timeline-indexer.ts';
import {
  FLAG_ARCHIVED,
  FLAG_FAVORITE,
  FLAG_TRASHED,
  FLAG_VIDEO,
  buildTimelineMonth,
  timelineIdAt,
  timelineThumbAt,
  timelineThumbhashAt,
} from './timeline-month.ts';
import { readNewestTimelineMonth, readTimelineMonth } from './timeline-reader.ts';
import { createTestRoot, fakeAssetId, fakeDeviceId, memoryRepo, sampleAsset } from './test-library.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function library() {
  const repo: Repo = memoryRepo('idx');
  const catalog = createCatalog({ repo, root: createTestRoot(repo), deviceId: fakeDeviceId(1) });
  await catalog.start();
  cleanup.push(
    () => repo.shutdown(),
    () => catalog.stop(),
  );
  return catalog;
}

describe('timeline month codec', () => {
  it('round-trips every column', () => {
    const assets = [1, 2, 3].map((n) => ({
      ...sampleAsset(n),
      shard: '2024-07',
      tzOffsetMin: n === 1 ? -420 : n * 60,
      ratio: n / 2,
      addedAt: 0,
      addedBy: fakeDeviceId(1),
      favorite: n === 1,
      archived: n === 2,
      rating: 0,
      description: '',
      tags: [],
      holders: [],
      derived: n === 2 ? { thumbnail: { hash: fakeAssetId(20), pipeline: 1 } } : {},
      ...(n === 3 ? { trashedAt: 5, type: 'video' as const, thumbhash: undefined } : {}),
    }));
    const m = buildTimelineMonth('2024-07', 'v1', assets as never);
    const back = decodeTimelineMonth(encodeTimelineMonth(m), 'test');
    expect(back).toEqual(m);
    expect([0, 1, 2].map((i) => timelineIdAt(back, i))).toEqual([3, 2, 1].map(fakeAssetId));
    expect([...back.flags]).toEqual([FLAG_TRASHED | FLAG_VIDEO, FLAG_ARCHIVED, FLAG_FAVORITE]);
    expect(timelineThumbhashAt(back, 0)).toBeUndefined();
    expect(timelineThumbhashAt(back, 1)).toBe(sampleAsset(1).thumbhash);
    expect(back.ratio[2]).toBeCloseTo(0.5);
    expect([0, 1, 2].map((i) => timelineThumbAt(back, i))).toEqual([undefined, fakeAssetId(20), undefined]);
    expect([...back.tzOffset!]).toEqual([180, 120, -420]);
  });

  it('reads HTL1 (before the thumbs column) and HTL2 (before tzOffset) months, and marks them stale', () => {
    const asset = {
      ...sampleAsset(1),
      shard: '2024-07',
      tzOffsetMin: 0,
      ratio: 1.5,
      addedAt: 0,
      addedBy: fakeDeviceId(1),
      favorite: true,
      archived: false,
      rating: 0,
      description: '',
      tags: [],
      holders: [],
      derived: {},
    };
    const m = buildTimelineMonth('2024-07', 'heads-1', [{ ...asset, tzOffsetMin: 120 }] as never);
    const v3 = encodeTimelineMonth(m);
    // The same month as HTL1 wrote it: no thumbs column, no tzOffset column, the old magic.
    const head = (16 + 7 + 7 + 7) & ~7; // 16 + "2024-07" + "heads-1", padded to 8
    const cut = head + 8 + 4 + 32;
    const v1 = new Uint8Array(v3.length - 34);
    v1.set(v3.subarray(0, cut));
    v1.set(v3.subarray(cut + 32, cut + 33), cut); // flags
    v1.set(v3.subarray(cut + 35), cut + 1); // thumbOffsets, thumbBytes
    v1.set(new TextEncoder().encode('HTL1'), 0);
    const back = decodeTimelineMonth(v1, 'old');
    expect(timelineIdAt(back, 0)).toBe(fakeAssetId(1));
    expect([...back.flags]).toEqual([FLAG_FAVORITE]);
    expect(timelineThumbhashAt(back, 0)).toBe(sampleAsset(1).thumbhash);
    expect(timelineThumbAt(back, 0)).toBeUndefined();
    expect([...back.tzOffset!]).toEqual([0]);
    expect(peekTimelineVersion(v3, 'new')).toBe('heads-1');
    expect(peekTimelineVersion(v1, 'old')).not.toBe('heads-1');
    // As HTL2 wrote it: thumbs, no tzOffset column (read as 0; stale, so rebuilt with it).
    const v2 = new Uint8Array(v3.length - 2);
    v2.set(v3.subarray(0, cut + 33));
    v2.set(v3.subarray(cut + 35), cut + 33);
    v2.set(new TextEncoder().encode('HTL2'), 0);
    const back2 = decodeTimelineMonth(v2, 'v2');
    expect(timelineThumbhashAt(back2, 0)).toBe(sampleAsset(1).thumbhash);
    expect([...back2.tzOffset!]).toEqual([0]);
    expect(peekTimelineVersion(v2, 'v2')).not.toBe('heads-1');
  });

  it('reports a truncated or foreign file as corrupt', () => {
    const m = buildTimelineMonth('2024-07', 'v', []);
    const bytes = encodeTimelineMonth(m);
    expect(() => decodeTimelineMonth(bytes.subarray(0, 10), 'x')).toThrow(
      expect.objectContaining({ code: 'TIMELINE_INDEX_CORRUPT' }),
    );
    expect(() => decodeTimelineMonth(new TextEncoder().encode('hello world, not an index'), 'x')).toThrow(
      expect.objectContaining({ code: 'TIMELINE_INDEX_CORRUPT' }),
    );
  });
});

describe('timeline indexer', () => {
  it('builds the index, and the first screen is read from files with no Repo at all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-idx-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const catalog = await library();
    await catalog.addAssets([
      sampleAsset(1),
      sampleAsset(2),
      sampleAsset(3, { capturedAt: Date.UTC(2021, 2, 3), type: 'video' }),
    ]);
    catalog.setFavorite(fakeAssetId(2), true);
    const indexer = createTimelineIndexer({ catalog, store: createFsTimelineIndexStore(dir) });
    await indexer.start();
    await indexer.stop();

    // A fresh store over the same directory: nothing from the catalog or automerge is involved.
    const newest = await readNewestTimelineMonth(createFsTimelineIndexStore(dir));
    expect(newest?.month).toBe('2024-07');
    expect(newest && [0, 1].map((i) => timelineIdAt(newest, i))).toEqual([fakeAssetId(2), fakeAssetId(1)]);
    expect([...(newest?.flags ?? [])]).toEqual([FLAG_FAVORITE, 0]);
    const old = await readTimelineMonth(createFsTimelineIndexStore(dir), '2021-03');
    expect(old?.flags[0]).toBe(FLAG_VIDEO);
  });

  it('patches only the months a change touched, and skips current months on restart', async () => {
    const store = createMemoryTimelineIndexStore();
    const catalog = await library();
    await catalog.addAssets([sampleAsset(1), sampleAsset(2, { capturedAt: Date.UTC(2020, 0, 1) })]);
    const indexer = createTimelineIndexer({ catalog, store });
    const writes: string[] = [];
    indexer.onMonthWritten((m) => writes.push(m));
    await indexer.start();
    expect(writes.sort()).toEqual(['2020-01', '2024-07']);

    writes.length = 0;
    catalog.setArchived(fakeAssetId(2), true);
    await indexer.idle();
    expect(writes).toEqual(['2020-01']);
    expect((await readTimelineMonth(store, '2020-01'))?.flags[0]).toBe(FLAG_ARCHIVED);

    // The node's thumbnail ref reaches the index: a device paints it with no document loaded.
    writes.length = 0;
    catalog.setDerived(fakeAssetId(1), {
      thumbnail: { hash: fakeAssetId(30) as string as BlobHash, pipeline: 1 },
    });
    await indexer.idle();
    expect(writes).toEqual(['2024-07']);
    const jul = await readTimelineMonth(store, '2024-07');
    expect(jul && timelineThumbAt(jul, 0)).toBe(fakeAssetId(30));

    catalog.deletePermanently([fakeAssetId(2)]);
    await indexer.idle();
    expect(await store.months()).toEqual(['2024-07']);
    await indexer.stop();

    const again = createTimelineIndexer({ catalog, store });
    const rewrites: string[] = [];
    again.onMonthWritten((m) => rewrites.push(m));
    await again.start();
    await again.stop();
    expect(rewrites).toEqual([]);
  });

  it('rebuilds a month whose stored file is corrupt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-idx-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const catalog = await library();
    await catalog.addAssets([sampleAsset(1)]);
    await writeFile(join(dir, '2024-07.timeline'), 'garbage');
    const store = createFsTimelineIndexStore(dir);
    const indexer = createTimelineIndexer({ catalog, store });
    await indexer.start();
    await indexer.stop();
    expect((await readTimelineMonth(store, '2024-07'))?.count).toBe(1);
  });
});
