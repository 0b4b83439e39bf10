import { cachedBlob } from './cached-blob.ts';
import type { MlBlobCache } from './ml-blob-cache.idb.ts';

/**
 * A month reader's blobs (CLIP shards, machine words) and the record of which blob it last read
 * each month from (the cache's `months` store). A month whose listed blob cannot be had now
 * (offline: the node re-made the month and the device heard of it but did not fetch it) and of
 * which nothing is loaded answers with the blob it was read from before — also after a reload.
 */
export interface MonthBlobs {
  /**
   * The month's listed blob (`hash`: from the cache, else fetched and kept); when that fails and
   * `loaded` is false, the one recorded for the month (`older`: the listed one is still to
   * fetch). Rejects with the fetch's error when there is neither.
   */
  read(
    month: string,
    hash: string,
    loaded: boolean,
  ): Promise<{ hash: string; bytes: Uint8Array; older: boolean }>;
  /** records month → the blob read now (written only when it changed; a failed write is logged) */
  record(now: ReadonlyMap<string, string>): Promise<void>;
}

export function createMonthBlobs(
  cache: Pick<MlBlobCache, 'get' | 'put' | 'monthHashes' | 'setMonthHashes'>,
  fetchBlob: (hash: string) => Promise<Uint8Array>,
): MonthBlobs {
  /** the record as last read or written (read once) */
  let last: Map<string, string> | undefined;
  const recorded = async () => (last ??= await cache.monthHashes().catch(() => new Map<string, string>()));
  return {
    async read(month, hash, loaded) {
      try {
        return { hash, bytes: await cachedBlob(cache, fetchBlob, hash), older: false };
      } catch (e) {
        const before = loaded ? undefined : (await recorded()).get(month);
        const bytes = before && before !== hash ? await cache.get(before).catch(() => undefined) : undefined;
        if (!before || !bytes) throw e;
        return { hash: before, bytes, older: true };
      }
    },
    async record(now) {
      const kept = await recorded();
      if (now.size === kept.size && [...now].every(([m, h]) => kept.get(m) === h)) return;
      last = new Map(now);
      await cache.setMonthHashes(now).catch((e: unknown) => console.info('ML month record:', e));
    },
  };
}
