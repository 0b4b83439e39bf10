/**
 * "Backed up twice": which home nodes hold an asset's original, from the synced catalog's
 * holders and the root document's devices (home nodes by name). The catalog records a holder
 * once a node has the verified original (its import or its replicator), so a second home node
 * that joined the library shows up here as soon as it has pulled the file.
 */
import type { Asset, DeviceId, LibraryDevice } from '@hearth/sync';

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
