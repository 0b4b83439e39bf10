/**
 * The Back up page's count (`backupSummary`) without reading the whole catalog each time:
 * every month is counted once, by the set of devices holding each asset, and counted again
 * only when its version stamp (`Catalog.monthVersion`, its shards' heads, read without opening
 * them) changes. Holder sets, not home-node counts, are kept, so a home node paired or revoked
 * later needs no recount. Measured: bench/pwa-backup-summary.bench.ts (100k assets).
 */
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

/**
 * A counter over `catalog` (trash left out; a Live Photo's two parts count as two). Its first
 * call reads every month, one at a time (a lazy catalog keeps only its budget of shards open);
 * later calls read only the months changed since.
 */
export function createBackupCounter(catalog: Catalog): BackupCounter {
  const counted = new Map<MonthKey, MonthCount>();

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
    const months = catalog.months();
    const listed = new Set(months);
    for (const m of counted.keys()) if (!listed.has(m)) counted.delete(m);
    for (const m of months)
      if (counted.get(m)?.version !== catalog.monthVersion(m)) counted.set(m, await count(m));
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
