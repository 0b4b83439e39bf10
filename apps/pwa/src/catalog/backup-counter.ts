/**
 * The Back up page's count (`backupSummary`) without reading the whole catalog each time:
 * every month is counted once, by the set of devices holding each asset, and counted again
 * only when its version stamp (`Catalog.monthVersion`, its shards' heads, read without opening
 * them) changes. Holder sets, not home-node counts, are kept, so a home node paired or revoked
 * later needs no recount. With a store, the counts outlive the session: the next one reads only
 * the months changed meanwhile. Measured: bench/pwa-backup-summary.bench.ts (100k assets).
 */
import type { Repo } from '@automerge/automerge-repo';
import type { Catalog, MonthKey } from '@hearth/sync';
import type { BackupSummary } from '../library/library-client.ts';
import type { HomeNodeNames } from './backup-copies.ts';

/** A month's count: holder set (ids joined by spaces) → assets (trash left out). */
interface MonthCount {
  version: string;
  sets: Map<string, number>;
}

/** How well the library is backed up, for the home nodes given (see `BackupSummary`). */
export type BackupCounter = (homeNodes: HomeNodeNames) => Promise<BackupSummary>;

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

/**
 * A counter over `catalog` (trash left out; a Live Photo's two parts count as two). Its first
 * call reads every month not in `store` at its current version, one at a time (a lazy catalog
 * keeps only its budget of shards open); later calls read only the months changed since.
 */
export function createBackupCounter(catalog: Catalog, store?: BackupCountStore): BackupCounter {
  let counted = new Map<MonthKey, MonthCount>();
  let restored = !store;

  async function count(month: MonthKey): Promise<MonthCount> {
    await catalog.openMonths([month]);
    // Read together with the assets (no await between): the stamp matches what was counted.
    const version = catalog.monthVersion(month);
    const sets = new Map<string, number>();
    for (const a of catalog.monthAssets(month)) {
      if (a.trashedAt !== undefined) continue;
      const key = [...a.holders].sort().join(' ');
      sets.set(key, (sets.get(key) ?? 0) + 1);
    }
    return { version, sets };
  }

  return async (homeNodes) => {
    if (!restored) {
      restored = true;
      const bytes = await store!.load().catch(() => undefined);
      try {
        if (bytes) counted = decode(bytes);
      } catch {
        // not JSON: count everything again
      }
    }
    let changed = false;
    const months = catalog.months();
    const listed = new Set(months);
    for (const m of counted.keys()) if (!listed.has(m)) changed = counted.delete(m) || changed;
    for (const m of months)
      if (counted.get(m)?.version !== catalog.monthVersion(m)) {
        counted.set(m, await count(m));
        changed = true;
      }
    // Best effort: a failed save only costs a recount next session.
    if (changed && store)
      await store.save(encode(counted)).catch((e: unknown) => console.warn(`backup counts: ${String(e)}`));
    const s: BackupSummary = { total: 0, onNoHomeNode: 0, onOneHomeNode: 0, homeNodes: homeNodes.size };
    for (const { sets } of counted.values())
      for (const [key, assets] of sets) {
        const n = key === '' ? 0 : key.split(' ').filter((h) => homeNodes.has(h)).length;
        s.total += assets;
        if (n === 0) s.onNoHomeNode += assets;
        else if (n === 1) s.onOneHomeNode += assets;
      }
    return s;
  };
}
