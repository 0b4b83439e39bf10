/**
 * timeline-index: reading the newest month and an arbitrary month from the timeline index
 * of a 100,000-asset library (files on Node). Anchor: the same newest month read the
 * Automerge way (fresh repo from storage, open the root and that month's shards only, read
 * their records).
 * ratio = value / anchor.  Usage: npm run bench -- timeline-index [assets]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo';
import {
  createTimelineIndexer,
  parseShardKey,
  readNewestTimelineMonth,
  readShard,
  readTimelineMonth,
  type AssetShardDoc,
  type RootDoc,
} from '@hearth/sync';
import { createCatalogStorage, createTimelineIndexStore } from '@hearth/sync/platform';
import { catalogFixture, openFixture } from './catalog-fixture.ts';
import { median, percentile, report } from './report.ts';
import { seededRandom } from './synthetic-library.ts';

const assets = Number(process.argv[2] ?? 100_000);
const fixture = await catalogFixture(assets);
const dir = await mkdtemp(join(tmpdir(), 'hearth-timeline-bench-'));
try {
  // Build the index from the stored catalog (not the measured part; reported for context).
  let t = performance.now();
  const lib = await openFixture(fixture);
  const indexer = createTimelineIndexer({ catalog: lib.catalog, store: createTimelineIndexStore(dir) });
  await indexer.start();
  await indexer.stop();
  const buildS = (performance.now() - t) / 1000;
  const months = lib.catalog.months();
  const newestMonth = months[0]!;
  await lib.catalog.stop();
  await lib.repo.shutdown();

  // Anchor: the newest month through Automerge, from a fresh repo each run: open the root
  // and only that month's shards, read their records (what a first paint without an index costs).
  const anchorRuns: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    const repo = new Repo({ storage: createCatalogStorage(fixture.dir) });
    const root = await repo.find<RootDoc>(fixture.rootUrl);
    let rows = 0;
    for (const [key, url] of Object.entries(root.doc().shards)) {
      if (parseShardKey(key)?.month !== newestMonth) continue;
      const shard = await repo.find<AssetShardDoc>(url as AutomergeUrl);
      rows += readShard(shard.doc()).assets.length;
    }
    anchorRuns.push(performance.now() - t);
    if (rows === 0) throw new Error('anchor read no rows');
    await repo.shutdown();
  }
  const anchor = median(anchorRuns);

  // Newest month from the index: a fresh store each run (listing + one read + decode).
  const newestRuns: number[] = [];
  for (let i = 0; i < 25; i++) {
    t = performance.now();
    const m = await readNewestTimelineMonth(createTimelineIndexStore(dir));
    newestRuns.push(performance.now() - t);
    if (m?.month !== newestMonth) throw new Error(`newest month ${m?.month} != ${newestMonth}`);
  }
  const rnd = seededRandom(3);
  const anyRuns: number[] = [];
  const store = createTimelineIndexStore(dir);
  let rows = 0;
  for (let i = 0; i < 100; i++) {
    const month = months[Math.floor(rnd() * months.length)]!;
    t = performance.now();
    const m = await readTimelineMonth(store, month);
    anyRuns.push(performance.now() - t);
    rows += m?.count ?? 0;
  }
  const newest = median(newestRuns);
  const anchorRef = { name: 'newest_month_via_automerge_ms', value: anchor };
  report({
    bench: 'timeline-index',
    metric: 'newest_month_ms',
    value: newest,
    unit: 'ms',
    anchor: anchorRef,
    ratio: newest / anchor,
  });
  const any = median(anyRuns);
  report({
    bench: 'timeline-index',
    metric: 'any_month_ms',
    value: any,
    unit: 'ms',
    anchor: anchorRef,
    ratio: any / anchor,
  });
  report({ bench: 'timeline-index', metric: 'any_month_p95_ms', value: percentile(anyRuns, 95), unit: 'ms' });
  report({ bench: 'timeline-index', metric: 'index_build_s', value: buildS, unit: 's' });
  report({ bench: 'timeline-index', metric: 'months', value: months.length, unit: 'count' });
  report({ bench: 'timeline-index', metric: 'avg_rows_read', value: rows / anyRuns.length, unit: 'rows' });
} finally {
  await rm(dir, { recursive: true, force: true });
}
