/**
 * A blob's chunk manifest: the SHA-256 of every fixed-size chunk. The receiver checks
 * each chunk against it before storing, and the whole blob against its address when the
 * last chunk is in, so a manifest that lies is caught too (and its peer dropped).
 */
import type { BlobHash } from '../ids.ts';
import type { BlobStore } from './blob-store.ts';
import type { Hashing } from './hashing.ts';

/** Chunk size and the concatenated 32-byte chunk hashes. */
export interface BlobManifest {
  size: number;
  chunkSize: number;
  chunkHashes: Uint8Array;
}

export function chunkCount(size: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(size / chunkSize));
}

/** Reads the blob once, hashing chunk by chunk. */
export async function computeManifest(
  store: BlobStore,
  hashing: Hashing,
  hash: BlobHash,
  chunkSize: number,
): Promise<BlobManifest> {
  const r = await store.open(hash);
  const n = chunkCount(r.size, chunkSize);
  const out = new Uint8Array(n * 32);
  let i = 0;
  let h = await hashing.sha256();
  let fill = 0;
  for await (const c of r.body) {
    let off = 0;
    while (off < c.length) {
      const take = Math.min(chunkSize - fill, c.length - off);
      h.update(c.subarray(off, off + take));
      fill += take;
      off += take;
      if (fill === chunkSize) {
        out.set(h.digest(), 32 * i++);
        h = await hashing.sha256();
        fill = 0;
      }
    }
  }
  if (fill > 0 || i === 0) out.set(h.digest(), 32 * i);
  return { size: r.size, chunkSize, chunkHashes: out.subarray(0, 32 * n) };
}

/** A small LRU of manifests, so a big blob is hashed once while peers fetch it. */
export function createManifestCache(store: BlobStore, hashing: Hashing, chunkSize: number, capacity = 256) {
  const cache = new Map<BlobHash, Promise<BlobManifest>>();
  return {
    get(hash: BlobHash): Promise<BlobManifest> {
      let p = cache.get(hash);
      if (p) cache.delete(hash);
      else p = computeManifest(store, hashing, hash, chunkSize);
      cache.set(hash, p);
      p.catch(() => cache.delete(hash));
      while (cache.size > capacity) cache.delete(cache.keys().next().value as BlobHash);
      return p;
    },
    forget(hash: BlobHash) {
      cache.delete(hash);
    },
  };
}
