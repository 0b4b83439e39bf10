/**
 * "Backed up twice": which home nodes hold an asset's original, from the synced catalog's
 * holders and the root document's devices (home nodes by name). The catalog records a holder
 * once a node has the verified original (its import or its replicator), so a second home node
 * that joined the library shows up here as soon as it has pulled the file.
 */
import type { Asset, Catalog, DeviceId, LibraryDevice } from '@hearth/sync';
import type { BackupSummary } from '../library/library-client.ts';

/** The library's home nodes that are not revoked: device id → name. */
export type HomeNodeNames = ReadonlyMap<string, string>;

/** The home nodes (not revoked) of a device list, as `homeCopies` reads them. */
export function homeNodeNames(devices: readonly LibraryDevice[]): HomeNodeNames {
  return new Map(
    devices
      .filter((d) => d.role === 'home-node' && d.revokedAt === undefined)
      .map((d) => [d.deviceId, d.name]),
  );
}

/** Names of the home nodes holding this asset's original, sorted (a nameless one by its id). */
export function homeCopies(a: Pick<Asset, 'holders'>, homeNodes: HomeNodeNames): string[] {
  return a.holders
    .filter((h) => homeNodes.has(h))
    .map((h) => homeNodes.get(h) || h.slice(0, 8))
    .sort();
}

/**
 * Whether an original held here may be freed: `minCopies` home nodes must be recorded as its
 * holders. With the default (1) any other holder counts, as before home nodes were known by
 * name (the node's `HEAD` answer right before removal is the confirmation that matters).
 */
export function enoughCopies(
  a: Pick<Asset, 'holders'>,
  self: DeviceId,
  homeNodes: HomeNodeNames,
  minCopies = 1,
): boolean {
  if (minCopies <= 1) return a.holders.some((h) => h !== self);
  return homeCopies(a, homeNodes).length >= minCopies;
}

/**
 * How well the library is backed up (trash left out; a Live Photo's two parts count as two).
 * Counts copies over the whole catalog, one month at a time (a lazy catalog keeps only its
 * budget of shards open). Read on the Back up page, not while painting.
 */
export async function summarizeBackup(catalog: Catalog, homeNodes: HomeNodeNames): Promise<BackupSummary> {
  const s: BackupSummary = { total: 0, onNoHomeNode: 0, onOneHomeNode: 0, homeNodes: homeNodes.size };
  for (const m of catalog.months()) {
    await catalog.openMonths([m]);
    for (const a of catalog.monthAssets(m)) {
      if (a.trashedAt !== undefined) continue;
      const n = a.holders.filter((h) => homeNodes.has(h)).length;
      s.total++;
      if (n === 0) s.onNoHomeNode++;
      else if (n === 1) s.onOneHomeNode++;
    }
  }
  return s;
}
