/**
 * pwa-backup-summary: time of the Back up page's "how well is the library backed up" count
 * (`backupSummary`, apps/pwa/src/catalog/backup-counter.ts) over a 100,000-asset library, in
 * the peer worker's setting: a lazy catalog from storage (default limits: shards open on
 * demand, the least recently used evicted), so reading a month may load its shards again.
 * Figures: the first call (reads every month), a repeat with nothing changed since the last
 * call, a call after one asset of the newest month was edited, and the first call of a new
 * session from the stored counts (medians of 3). The first count on a device as the page runs
 * it: its first answer (one 500 ms step, partial) and all its steps; and the first count right
 * after the timeline indexer read every month (a newly paired device: the counter takes the
 * indexer's reads). Anchor, in the same process: the timeline's month list (`months()` of the
 * same CatalogLibrary, median of 3), which opens every month the same way the first count does.
 * Node's nodefs storage stands in for the browser's IndexedDB.
 * Usage: npm run bench -- pwa-backup-summary [assets]
 */
import { createMemoryTimelineIndexStore, createTimelineIndexer, type AssetId } from '@hearth/sync';
import {
  createBackupCounter,
  createCatalogLibrary,
  noteMonthReads,
  type BackupCountStore,
  type MediaCache,
} from '@hearth/pwa';
import { BENCH_DEVICE, catalogFixture, openFixture } from './catalog-fixture.ts';
import { median, report } from './report.ts';

const assets = Number(process.argv[2] ?? 100_000);
const fixture = await catalogFixture(assets);
const { repo, catalog } = await openFixture(fixture);
// The fixture's device holds every original: as a home node, each asset is on one home node.
const homeNodes = new Map([[BENCH_DEVICE as string, 'home']]);
// None of the calls reads media; the adapter only needs the cache to close it on stop.
const media = { close: () => {} } as unknown as MediaCache;
// The counts' store, in memory here (the worker keeps it in the catalog's storage).
let stored: Uint8Array | undefined;
const backupCounts: BackupCountStore = { load: async () => stored, save: async (b) => void (stored = b) };
const lib = createCatalogLibrary({
  catalog,
  media,
  deviceId: BENCH_DEVICE,
  homeNodes: async () => homeNodes,
  backupCounts,
});

// Garbage from the previous call (a month list builds every row) is collected before each
// timing, so no call pays for another's (the runner passes --expose-gc).
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const time = async <T>(f: () => Promise<T>): Promise<[number, T]> => {
  gc();
  const t = performance.now();
  const r = await f();
  return [performance.now() - t, r];
};
const summary = () => lib.backupSummary!();

const [firstMs, first] = await time(summary);
if (first.total !== assets || first.onOneHomeNode !== assets)
  throw new Error(`unexpected summary ${JSON.stringify(first)}`);
const monthsMs: number[] = [];
const repeatMs: number[] = [];
const editedMs: number[] = [];
const newest = catalog.months()[0]!;
for (let i = 0; i < 3; i++) {
  monthsMs.push((await time(() => lib.months()))[0]);
  repeatMs.push((await time(summary))[0]);
  await catalog.openMonths([newest]);
  const a = catalog.monthAssets(newest)[i]!;
  // A lazy catalog applies an edit once the shard is open for writing: wait for it to land.
  const landed = new Promise<void>((resolve) => {
    const off = catalog.onChange((c) => c.months.includes(newest) && (off(), resolve()));
  });
  catalog.setFavorite(a.id as AssetId, !a.favorite);
  await landed;
  const [ms, s] = await time(summary);
  if (s.total !== assets) throw new Error(`after an edit: ${JSON.stringify(s)}`);
  editedMs.push(ms);
}
// A new session (a new counter) starting from the stored counts, nothing changed meanwhile.
const sessionMs: number[] = [];
for (let i = 0; i < 3; i++) {
  const [ms, s] = await time(() => createBackupCounter(catalog, backupCounts)(homeNodes));
  if (s.total !== assets) throw new Error(`a new session: ${JSON.stringify(s)}`);
  sessionMs.push(ms);
}
// The first count on a device as the Back up page runs it: steps of at most 500 ms of reading,
// each answer shown (partial: `counting`) until one covers every month.
const stepped = createBackupCounter(catalog);
const [firstAnswerMs, firstAnswer] = await time(() => stepped(homeNodes, { budgetMs: 500 }));
let steppedMs = firstAnswerMs;
let steps = 1;
for (let s = firstAnswer; s.counting; steps++) {
  const [ms, next] = await time(() => stepped(homeNodes, { budgetMs: 500 }));
  steppedMs += ms;
  s = next;
  if (!s.counting && (s.total !== assets || s.onOneHomeNode !== assets))
    throw new Error(`stepped count: ${JSON.stringify(s)}`);
}
// A newly paired device: its timeline indexer reads every month (timed apart), and the counter
// takes those reads, so its first call reads nothing again.
const fed = createBackupCounter(catalog);
let noteMs = 0; // what taking the reads adds to the indexer's pass
const indexer = createTimelineIndexer({
  catalog: noteMonthReads(catalog, (...args) => {
    const t = performance.now();
    fed.note(...args);
    noteMs += performance.now() - t;
  }),
  store: createMemoryTimelineIndexStore(),
});
const [indexMs] = await time(() => indexer.start());
await indexer.stop();
const [afterIndexMs, afterIndex] = await time(() => fed(homeNodes));
if (afterIndex.total !== assets) throw new Error(`after the index: ${JSON.stringify(afterIndex)}`);

const anchor = { name: 'timeline_months_ms', value: median(monthsMs) };
for (const [metric, value] of [
  ['first_summary_ms', firstMs],
  ['first_answer_ms', firstAnswerMs],
  ['first_summary_stepped_ms', steppedMs],
  ['timeline_index_build_ms', indexMs],
  ['index_note_ms', noteMs],
  ['first_summary_after_index_ms', afterIndexMs],
  ['repeat_summary_ms', median(repeatMs)],
  ['summary_after_one_edit_ms', median(editedMs)],
  ['new_session_summary_ms', median(sessionMs)],
] as const)
  report({ bench: 'pwa-backup-summary', metric, value, unit: 'ms', anchor, ratio: value / anchor.value });
process.stderr.write(
  `pwa-backup-summary: ${assets} assets, ${catalog.months().length} months; first answer covered ` +
    `${firstAnswer.counting?.months ?? 'all'} months, ${steps} steps in all\n`,
);
await catalog.stop();
await repo.shutdown();
