/**
 * The Back up page's count (`backupSummary`) without reading the whole catalog each time:
 * every month is counted once, by the set of devices holding each asset, and counted again
 * only when its version stamp (`Catalog.monthVersion`, its shards' heads, read without opening
 * them) changes. Holder sets, not home-node counts, are kept, so a home node paired or revoked
 * later needs no recount. With a store, the counts outlive the session: the next one reads only
 * the months changed meanwhile. A first count reads every month (mostly loading shards): it
 * takes the timeline indexer's reads instead where it can (`noteMonthReads`), and otherwise may
 * go in time-bounded steps, each answer saying how far it got (`BackupSummary.counting`).
 * Measured: bench/pwa-backup-summary.bench.ts (100k assets).
 */
import type { Repo } from '@automerge/automerge-repo';
import type { Asset, Catalog, MonthKey } from '@hearth/sync';
import type { BackupSummary, BackupSummaryOptions } from '../library/library-client.ts';
import type { HomeNodeNames } from './backup-copies.ts';

/** A month's count: holder set (ids joined by spaces) → assets (trash left out). */
interface MonthCount {
  version: string;
  sets: Map<string, number>;
}

/**
 * How well the library is backed up, for the home nodes given (see `BackupSummary`). Also
 * takes months read elsewhere (`note`: the timeline indexer reads every month a device first
 * syncs), so those need no second read.
 */
export interface BackupCounter {
  (homeNodes: HomeNodeNames, opts?: BackupSummaryOptions): Promise<BackupSummary>;
  /** A month's assets as read at `version` (read together, no await between). */
  note(month: MonthKey, version: string, assets: readonly Asset[]): void;
  /** Resolves once counts noted or counted so far are saved (before the storage closes). */
  idle(): Promise<void>;
}

/** Where the counts are kept between sessions: one value. */
export interface BackupCountStore {
  load(): Promise<Uint8Array | undefined>;
  save(bytes: Uint8Array): Promise<void>;
}

const NAMESPACE = 'hearth-backup-counts';

/** The counts' store in a repo's storage (beside the catalog), or undefined without storage. */
export function repoBackupCountStore(repo: Repo): BackupCountStore | undefined {
  const storage = repo.storageSubsystem;
  if (!storage) return undefined;
  return {
    load: () => storage.load(NAMESPACE, 'v1'),
    save: (bytes) => storage.save(NAMESPACE, 'v1', bytes),
  };
}

/** JSON `[[month, version, [[holders, assets], …]], …]`. */
function encode(counted: ReadonlyMap<MonthKey, MonthCount>): Uint8Array {
  const rows = [...counted].map(([m, c]) => [m, c.version, [...c.sets]]);
  return new TextEncoder().encode(JSON.stringify(rows));
}

/** Stored counts; anything unreadable is dropped (those months are counted again). */
function decode(bytes: Uint8Array): Map<MonthKey, MonthCount> {
  const out = new Map<MonthKey, MonthCount>();
  const rows: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!Array.isArray(rows)) return out;
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row) || row.length !== 3) continue;
    const [month, version, sets] = row as unknown[];
    if (typeof month !== 'string' || typeof version !== 'string' || !Array.isArray(sets)) continue;
    const ok = (sets as unknown[]).every(
      (s) => Array.isArray(s) && typeof s[0] === 'string' && Number.isInteger(s[1]) && (s[1] as number) >= 0,
    );
    if (ok) out.set(month as MonthKey, { version, sets: new Map(sets as [string, number][]) });
  }
  return out;
}

/** A month's assets by holder set (trash left out). */
function countSets(assets: readonly Asset[]): Map<string, number> {
  const sets = new Map<string, number>();
  for (const a of assets) {
    if (a.trashedAt !== undefined) continue;
    const key = a.holders.length < 2 ? (a.holders[0] ?? '') : [...a.holders].sort().join(' ');
    sets.set(key, (sets.get(key) ?? 0) + 1);
  }
  return sets;
}

/**
 * A counter over `catalog` (trash left out; a Live Photo's two parts count as two). Its first
 * call reads every month not in `store` at its current version, newest first, one at a time (a
 * lazy catalog keeps only its budget of shards open) — within `budgetMs` if given, the rest on
 * the next calls; later calls read only the months changed since. Calls run one at a time.
 */
export function createBackupCounter(catalog: Catalog, store?: BackupCountStore): BackupCounter {
  const counted = new Map<MonthKey, MonthCount>();
  let restored: Promise<void> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let saving: Promise<void> = Promise.resolve();
  let unsaved = false;
  let queued = false;

  const restore = () =>
    (restored ??= (async () => {
      const bytes = store && (await store.load().catch(() => undefined));
      try {
        // Months noted before the stored counts were read are newer: they stay.
        if (bytes) for (const [m, c] of decode(bytes)) if (!counted.has(m)) counted.set(m, c);
      } catch {
        // not JSON: count everything again
      }
    })());

  /** Best effort, one write at a time: a failed save only costs a recount next session. */
  function save(): Promise<void> {
    if (!store || !unsaved || queued) return saving;
    queued = true;
    saving = saving
      .then(() => {
        // Coalesced: this write takes every change made until it starts.
        queued = false;
        unsaved = false;
        return store.save(encode(counted));
      })
      .catch((e: unknown) => console.warn(`backup counts: ${String(e)}`));
    return saving;
  }

  async function count(month: MonthKey): Promise<void> {
    await catalog.openMonths([month]);
    // Read together with the assets (no await between): the stamp matches what was counted.
    counted.set(month, { version: catalog.monthVersion(month), sets: countSets(catalog.monthAssets(month)) });
    unsaved = true;
  }

  async function summary(homeNodes: HomeNodeNames, opts: BackupSummaryOptions): Promise<BackupSummary> {
    await restore();
    const started = performance.now();
    const months = catalog.months();
    const listed = new Set(months);
    for (const m of counted.keys()) if (!listed.has(m)) unsaved = counted.delete(m) || unsaved;
    let read = 0;
    for (const m of months)
      if (counted.get(m)?.version !== catalog.monthVersion(m)) {
        if (opts.budgetMs !== undefined && read > 0 && performance.now() - started >= opts.budgetMs) break;
        await count(m);
        read++;
      }
    await save();
    const s: BackupSummary = { total: 0, onNoHomeNode: 0, onOneHomeNode: 0, homeNodes: homeNodes.size };
    // Only months counted at their current version: a partial answer is exact for what it covers.
    let covered = 0;
    for (const m of months) {
      const c = counted.get(m);
      if (c?.version !== catalog.monthVersion(m)) continue;
      covered++;
      for (const [key, assets] of c.sets) {
        const n = key === '' ? 0 : key.split(' ').filter((h) => homeNodes.has(h)).length;
        s.total += assets;
        if (n === 0) s.onNoHomeNode += assets;
        else if (n === 1) s.onOneHomeNode += assets;
      }
    }
    if (covered < months.length) s.counting = { months: covered, of: months.length };
    return s;
  }

  const counter = ((homeNodes: HomeNodeNames, opts: BackupSummaryOptions = {}) => {
    const r = running.then(() => summary(homeNodes, opts));
    running = r.catch(() => undefined);
    return r;
  }) as BackupCounter;
  counter.note = (month, version, assets) => {
    counted.set(month, { version, sets: countSets(assets) });
    unsaved = true;
    // Saved once the stored counts were merged in, so a save never drops them.
    void restore().then(save);
  };
  counter.idle = async () => {
    await running;
    await restored;
    await saving;
  };
  return counter;
}

/**
 * `catalog`, except that every month read through it is noted too (`BackupCounter.note`): the
 * timeline indexer runs on this, so a newly paired device's first count reads nothing again.
 */
export function noteMonthReads(catalog: Catalog, note: BackupCounter['note']): Catalog {
  return {
    ...catalog,
    monthAssets(month) {
      const assets = catalog.monthAssets(month);
      note(month, catalog.monthVersion(month), assets);
      return assets;
    },
  };
}
