/**
 * A blob's chunk manifest: the SHA-256 of every prefix that ends at a chunk boundary,
 * `SHA-256(bytes[0, min(size, (i+1)·chunkSize)))` for chunk i, so the last entry is the
 * blob's address. A receiver that takes the chunks in order keeps one running hash and
 * peeks at its digest at each boundary: every chunk is checked before it is stored, and
 * the whole-blob check is the last chunk's check, in one pass over the bytes (a list of
 * per-chunk hashes needed two: a chunk's hash starts from the IV, the blob's does not).
 * A manifest that lies is caught by the first chunk it lies about, or at once when its
 * last entry is not the address. See docs/architecture.md (blobs) for the measurements.
 */
import type { BlobHash } from '../ids.ts';
import type { BlobStore } from './blob-store.ts';
import type { Hashing } from './hashing.ts';

/** Chunk size and the concatenated 32-byte prefix digests, one per chunk. */
export interface BlobManifest {
  size: number;
  chunkSize: number;
  prefixDigests: Uint8Array;
}

export function chunkCount(size: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(size / chunkSize));
}

/** Reads the blob once, peeking at the running hash at every chunk boundary. */
export async function computeManifest(
  store: BlobStore,
  hashing: Hashing,
  hash: BlobHash,
  chunkSize: number,
): Promise<BlobManifest> {
  const r = await store.open(hash);
  const n = chunkCount(r.size, chunkSize);
  const out = new Uint8Array(n * 32);
  const h = await hashing.sha256();
  let i = 0;
  let fill = 0;
  for await (const c of r.body) {
    let off = 0;
    while (off < c.length) {
      const take = Math.min(chunkSize - fill, c.length - off);
      h.update(c.subarray(off, off + take));
      fill += take;
      off += take;
      if (fill === chunkSize && i < n - 1) {
        out.set(h.peek(), 32 * i++);
        fill = 0;
      }
    }
  }
  out.set(h.digest(), 32 * i);
  return { size: r.size, chunkSize, prefixDigests: out };
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
