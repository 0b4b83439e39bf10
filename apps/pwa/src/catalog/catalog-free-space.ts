/**
 * "Free up space" over the synced catalog: originals held here that the catalog says enough
 * home nodes hold too, each confirmed with the node right before it is removed from this device.
 */
import type { AssetId, Catalog, DeviceId } from '@hearth/sync';
import type { FreeUpSpaceOptions } from '../library/library-client.ts';
import { enoughCopies, type HomeNodeNames } from './backup-copies.ts';
import type { MediaCache } from './media-cache.ts';

/** What freeing needs; `holds`: whether the home node holds a blob now (home-media.ts). */
export interface FreeSpaceOptions {
  catalog: Catalog;
  media: MediaCache;
  deviceId: DeviceId;
  holds: (hash: string) => Promise<boolean>;
  homeNodes: () => Promise<HomeNodeNames>;
  /** Called for each original removed (to revoke its object URL). */
  removed: (id: string) => void;
}

/** `spaceToFree` and `freeUpSpace` of the LibraryClient. */
export function createFreeSpace(opts: FreeSpaceOptions) {
  const { catalog, media, deviceId, holds, homeNodes, removed } = opts;

  /**
   * Originals held here that the catalog says another device (the home node) holds too;
   * `minCopies` > 1: that many home nodes (the "only after 2 copies" setting).
   */
  async function freeable(minCopies = 1): Promise<{ asset: string; size: number }[]> {
    const out: { asset: string; size: number }[] = [];
    const nodes = minCopies > 1 ? await homeNodes() : new Map<string, string>();
    // One at a time: a lazy catalog keeps only its budget of shards open.
    for (const h of await media.held('original')) {
      await catalog.openAssets([h.asset as AssetId]);
      const a = catalog.getAsset(h.asset as AssetId);
      if (a && enoughCopies(a, deviceId, nodes, minCopies)) out.push(h);
    }
    return out;
  }

  return {
    async spaceToFree(o?: FreeUpSpaceOptions) {
      const f = await freeable(o?.minCopies);
      return { count: f.length, bytes: f.reduce((n, h) => n + h.size, 0) };
    },
    async freeUpSpace(o?: FreeUpSpaceOptions) {
      let freed = 0;
      let bytes = 0;
      let kept = 0;
      for (const h of await freeable(o?.minCopies)) {
        // Asked right before each removal: the catalog's word may be stale, the node's is not.
        const sure = await holds(h.asset).catch(() => false);
        if (!sure) {
          kept++;
          continue;
        }
        await media.remove(h.asset, 'original');
        removed(h.asset);
        freed++;
        bytes += h.size;
      }
      return { freed, bytes, kept };
    },
  };
}
