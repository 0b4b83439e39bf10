import type { MlBlobCache } from './ml-blob-cache.idb.ts';

/**
 * A published blob by hash (a month of ML results, a model file): from `cache` when this
 * device holds it, else fetched with `fetchBlob` and kept for next time (and offline).
 */
export async function cachedBlob(
  cache: Pick<MlBlobCache, 'get' | 'put'>,
  fetchBlob: (hash: string) => Promise<Uint8Array>,
  hash: string,
): Promise<Uint8Array> {
  const held = await cache.get(hash);
  if (held) return held;
  const bytes = await fetchBlob(hash);
  await cache.put(hash, bytes);
  return bytes;
}
