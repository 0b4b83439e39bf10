/**
 * Opens a blob, fetching it from a peer first when it is not held (a freed original,
 * a preview older than the kept months).
 */
import type { BlobHash } from '../ids.ts';
import type { BlobRange, BlobRead, BlobStore } from './blob-store.ts';
import type { BlobFetcher } from './replicator.ts';

export async function openBlob(
  store: BlobStore,
  fetcher: BlobFetcher,
  hash: BlobHash,
  range?: BlobRange,
): Promise<BlobRead> {
  if (!(await store.has(hash))) await fetcher.fetch(hash);
  return store.open(hash, range);
}
