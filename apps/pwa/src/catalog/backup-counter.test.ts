import { Repo } from '@automerge/automerge-repo';
import {
  createCatalog,
  createMemoryTimelineIndexStore,
  createTimelineIndexer,
  type AssetId,
  type Catalog,
  type DeviceId,
  type MonthKey,
} from '@hearth/sync';
import { createTestRoot, fakeDeviceId } from '@hearth/sync/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackupCounter, noteMonthReads, type BackupCountStore } from './backup-counter.ts';

const phone: DeviceId = fakeDeviceId(1);
const [nodeA, nodeB] = [fakeDeviceId(2), fakeDeviceId(3)];
const id = (c: string) => c.repeat(64) as AssetId;
const rec = (a: AssetId, month: number) => ({
  id: a,
  type: 'image' as const,
  mime: 'image/jpeg',
  size: 1,
  capturedAt: Date.UTC(2024, month, 1),
  width: 3,
  height: 2,
});

const repos: Repo[] = [];
const catalogs: Catalog[] = [];
afterEach(async () => {
  for (const c of catalogs.splice(0)) await c.stop();
  for (const r of repos.splice(0)) await r.shutdown();
});

/**
 * Started catalogs on one repo, one per device (the first is the counting device's), and `spy`:
 * the first as the counter reads it, recording the months it opens in `opened`.
 */
async function startCatalogs(...devices: DeviceId[]) {
  const repo = new Repo({ network: [] });
  repos.push(repo);
  const root = createTestRoot(repo);
  const [catalog, ...others] = devices.map((d) => createCatalog({ repo, root, deviceId: d })) as [
    Catalog,
    ...Catalog[],
  ];
  catalogs.push(catalog, ...others);
  for (const c of [catalog, ...others]) await c.start();
  const opened: MonthKey[] = [];
  const spy: Catalog = { ...catalog, openMonths: (ms) => (opened.push(...ms), catalog.openMonths(ms)) };
  return { catalog, others, opened, spy };
}

/** A count store in memory; `bytes` is what it holds. */
function memoryStore() {
  const kept: { bytes?: Uint8Array | undefined; store: BackupCountStore } = {
    store: { load: async () => kept.bytes, save: async (b) => void (kept.bytes = b) },
  };
  return kept;
}

describe('backup counter', () => {
  it('counts by holders, and later reads only the months that changed', async () => {
    const {
      catalog,
      others: [onA, onB],
      opened,
      spy,
    } = await startCatalogs(phone, nodeA, nodeB);
    // June: one on the phone only, one on node A, one on both nodes. July: one on node A.
    await catalog.addAssets([rec(id('a'), 5), rec(id('b'), 5), rec(id('c'), 5), rec(id('d'), 6)]);
    await onA!.addAssets([rec(id('b'), 5), rec(id('c'), 5), rec(id('d'), 6)]);
    await onB!.addAssets([rec(id('c'), 5)]);

    const count = createBackupCounter(spy);
    const both = new Map([
      [nodeA, 'home'],
      [nodeB, 'backup'],
    ]);
    expect(await count(both)).toEqual({ total: 4, onNoHomeNode: 1, onOneHomeNode: 2, homeNodes: 2 });
    expect(opened.sort()).toEqual(['2024-06', '2024-07']);

    // Nothing changed: nothing is read. A home node less needs no reading either.
    opened.length = 0;
    expect(await count(new Map([[nodeA, 'home']]))).toEqual({
      total: 4,
      onNoHomeNode: 1,
      onOneHomeNode: 3,
      homeNodes: 1,
    });
    expect(opened).toEqual([]);

    // Node B gets July's asset; the phone trashes June's phone-only one: both months change.
    await onB!.addAssets([rec(id('d'), 6)]);
    opened.length = 0;
    expect(await count(both)).toEqual({ total: 4, onNoHomeNode: 1, onOneHomeNode: 1, homeNodes: 2 });
    expect(opened).toEqual(['2024-07']);
    catalog.trash([id('a')]);
    opened.length = 0;
    expect(await count(both)).toEqual({ total: 3, onNoHomeNode: 0, onOneHomeNode: 1, homeNodes: 2 });
    expect(opened).toEqual(['2024-06']);

    // A month deleted entirely leaves the count.
    catalog.deletePermanently([id('d')]);
    expect(await count(both)).toEqual({ total: 2, onNoHomeNode: 0, onOneHomeNode: 1, homeNodes: 2 });
  });

  it('keeps its counts in a store: the next session reads only months changed meanwhile; bad stored bytes are recounted', async () => {
    const { catalog, opened, spy } = await startCatalogs(phone);
    await catalog.addAssets([rec(id('a'), 5), rec(id('b'), 6)]);
    const kept = memoryStore();
    const store = kept.store;
    const phoneOnly = new Map([[phone, 'phone']]);
    const first = await createBackupCounter(spy, store)(phoneOnly);
    expect(first).toEqual({ total: 2, onNoHomeNode: 0, onOneHomeNode: 2, homeNodes: 1 });
    expect(opened.sort()).toEqual(['2024-06', '2024-07']);

    // A new session: nothing changed, nothing read.
    opened.length = 0;
    expect(await createBackupCounter(spy, store)(phoneOnly)).toEqual(first);
    expect(opened).toEqual([]);
    // Changed while no counter ran: only that month.
    catalog.trash([id('b')]);
    expect(await createBackupCounter(spy, store)(phoneOnly)).toMatchObject({ total: 1 });
    expect(opened).toEqual(['2024-07']);

    // Unreadable or ill-formed bytes: everything is counted again, rightly.
    for (const bad of ['not json', '[["2024-06","x",[["k",-1]]]]', '{"v":1}']) {
      kept.bytes = new TextEncoder().encode(bad);
      opened.length = 0;
      expect(await createBackupCounter(spy, store)(phoneOnly)).toMatchObject({ total: 1, onOneHomeNode: 1 });
      expect(opened.sort()).toEqual(['2024-06', '2024-07']);
    }
  });

  it('counts within a time budget in steps, newest month first, each answer exact for the months it covers', async () => {
    const {
      catalog,
      others: [onA],
      opened,
      spy,
    } = await startCatalogs(phone, nodeA);
    // May: on the phone only. June and July: on node A.
    await catalog.addAssets([rec(id('a'), 4), rec(id('b'), 5), rec(id('c'), 6)]);
    await onA!.addAssets([rec(id('b'), 5), rec(id('c'), 6)]);
    const count = createBackupCounter(spy);
    const home = new Map([[nodeA, 'home']]);

    // A budget already spent still reads one month per call.
    const step = { budgetMs: 0 };
    expect(await count(home, step)).toEqual({
      total: 1,
      onNoHomeNode: 0,
      onOneHomeNode: 1,
      homeNodes: 1,
      counting: { months: 1, of: 3 },
    });
    expect(opened).toEqual(['2024-07']);
    expect(await count(home, step)).toMatchObject({ total: 2, counting: { months: 2, of: 3 } });
    expect(opened).toEqual(['2024-07', '2024-06']);
    // A month changed meanwhile is read again first (newest first), before the unread one.
    onA!.trash([id('c')]);
    expect(await count(home, step)).toEqual({
      total: 1,
      onNoHomeNode: 0,
      onOneHomeNode: 1,
      homeNodes: 1,
      counting: { months: 2, of: 3 },
    });
    expect(opened).toEqual(['2024-07', '2024-06', '2024-07']);
    const done = await count(home, step);
    expect(done).toEqual({ total: 2, onNoHomeNode: 1, onOneHomeNode: 1, homeNodes: 1 });
    expect(opened).toEqual(['2024-07', '2024-06', '2024-07', '2024-05']);
    // Calls at once run one after the other: nothing is read twice.
    opened.length = 0;
    await Promise.all([count(home), count(home, step)]);
    expect(opened).toEqual([]);
  });

  it('takes months read elsewhere (the timeline indexer) instead of reading them, and keeps them in its store', async () => {
    const { catalog, opened, spy } = await startCatalogs(phone);
    await catalog.addAssets([rec(id('a'), 5), rec(id('b'), 6)]);
    const kept = memoryStore();
    const store = kept.store;
    const count = createBackupCounter(spy, store);
    for (const m of catalog.months()) count.note(m, catalog.monthVersion(m), catalog.monthAssets(m));
    await count.idle();
    expect(kept.bytes).toBeDefined();

    const phoneOnly = new Map([[phone, 'phone']]);
    expect(await count(phoneOnly)).toEqual({ total: 2, onNoHomeNode: 0, onOneHomeNode: 2, homeNodes: 1 });
    expect(opened).toEqual([]);
    // A new session starts from what was noted.
    expect(await createBackupCounter(spy, store)(phoneOnly)).toMatchObject({ total: 2 });
    expect(opened).toEqual([]);
    // A note of an older version than the month has now is read again.
    const june = '2024-06' as MonthKey;
    const old = catalog.monthVersion(june);
    catalog.trash([id('a')]);
    count.note(june, old, catalog.monthAssets(june));
    expect(await count(phoneOnly)).toMatchObject({ total: 1 });
    expect(opened).toEqual([june]);
  });

  it('a timeline indexer run on noteMonthReads feeds the counter: its first count reads no month', async () => {
    const { catalog, opened, spy } = await startCatalogs(phone);
    await catalog.addAssets([rec(id('a'), 5), rec(id('b'), 6), rec(id('c'), 6)]);
    const count = createBackupCounter(spy);
    const indexer = createTimelineIndexer({
      catalog: noteMonthReads(catalog, count.note),
      store: createMemoryTimelineIndexStore(),
    });
    await indexer.start();
    // Edits after the pass go through the indexer too.
    catalog.trash([id('c')]);
    await indexer.idle();
    await indexer.stop();
    expect(await count(new Map([[phone, 'phone']]))).toEqual({
      total: 2,
      onNoHomeNode: 0,
      onOneHomeNode: 2,
      homeNodes: 1,
    });
    expect(opened).toEqual([]);
  });
});
