/**
 * A node's stored blobs, read through its fs store: small blobs (thumbnails, ML results) live
 * in pack files, so tests must not look for them as files by path.
 */
import { join } from 'node:path';
import { readAll, type BlobHash } from '@hearth/sync';
import { createFsBlobStore } from '@hearth/sync/platform';

type FsStore = ReturnType<typeof createFsBlobStore>;

/** Runs `fn` on the data dir's blob store (opened and stopped around it). */
export async function withStore<T>(dataDir: string, fn: (store: FsStore) => Promise<T>): Promise<T> {
  const store = createFsBlobStore({ root: join(dataDir, 'blobs') });
  await store.start();
  try {
    return await fn(store);
  } finally {
    await store.stop();
  }
}

/** A stored blob's bytes. */
export const storedBytes = (dataDir: string, hash: string): Promise<Uint8Array> =>
  withStore(dataDir, (s) => readAll(s, hash as BlobHash));

/** A stored blob as a file of its own (a packed one is moved out), for tools that need a path. */
export const storedFile = (dataDir: string, hash: string): Promise<string> =>
  withStore(dataDir, (s) => s.fileOf(hash as BlobHash));

/** Whether the store holds the blob. */
export const isStored = (dataDir: string, hash: string): Promise<boolean> =>
  withStore(dataDir, (s) => s.has(hash as BlobHash));

/** Every stored blob's hash. */
export const storedHashes = (dataDir: string): Promise<Set<string>> =>
  withStore(dataDir, async (s) => {
    const out = new Set<string>();
    for await (const h of s.list()) out.add(h);
    return out;
  });
