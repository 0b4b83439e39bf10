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
import { BlobNotFoundError } from './errors.ts';
import { fromHex, type Hashing, type IncrementalHash } from './hashing.ts';

/** Chunk size and the concatenated 32-byte prefix digests, one per chunk. */
export interface BlobManifest {
  size: number;
  chunkSize: number;
  prefixDigests: Uint8Array;
}

export function chunkCount(size: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(size / chunkSize));
}

/**
 * Feeds a running hash and keeps its digest at every chunk boundary: the manifest of the bytes
 * given, computed in the pass that hashes them anyway (a put, or a read of a stored blob).
 */
export function createPrefixDigester(h: IncrementalHash, chunkSize: number) {
  const digests: Uint8Array[] = [];
  let fill = 0;
  let size = 0;
  return {
    update(c: Uint8Array): void {
      let off = 0;
      while (off < c.length) {
        // A boundary is noted only once bytes follow it: the last chunk's digest is the address.
        if (fill === chunkSize) {
          digests.push(h.peek());
          fill = 0;
        }
        const take = Math.min(chunkSize - fill, c.length - off);
        h.update(off === 0 && take === c.length ? c : c.subarray(off, off + take));
        fill += take;
        off += take;
      }
      size += c.length;
    },
    /** Ends the hash: the manifest (its last entry the blob's address). */
    finish(): BlobManifest {
      digests.push(h.digest());
      const prefixDigests = new Uint8Array(32 * digests.length);
      for (const [i, d] of digests.entries()) prefixDigests.set(d, 32 * i);
      return { size, chunkSize, prefixDigests };
    },
  };
}

/** Reads the blob once, peeking at the running hash at every chunk boundary. */
export async function computeManifest(
  store: BlobStore,
  hashing: Hashing,
  hash: BlobHash,
  chunkSize: number,
): Promise<BlobManifest> {
  const r = await store.open(hash);
  const d = createPrefixDigester(await hashing.sha256(), chunkSize);
  for await (const c of r.body) d.update(c);
  return d.finish();
}

/**
 * A blob's manifest without reading it where possible: a one-chunk blob's is its address, and
 * a store may have kept it (the filesystem store does at put time, checked when read back).
 * Otherwise it is computed from the bytes and given to the store to keep for the next time.
 */
export async function loadManifest(
  store: BlobStore,
  hashing: Hashing,
  hash: BlobHash,
  chunkSize: number,
): Promise<BlobManifest> {
  const size = await store.size(hash);
  if (size === undefined) throw new BlobNotFoundError(hash);
  // The bytes were checked against the address when stored; rot since is caught by the receiver.
  if (size <= chunkSize) return { size, chunkSize, prefixDigests: fromHex(hash) };
  const kept = await store.manifest?.(hash, chunkSize);
  if (kept?.size === size) return kept;
  const m = await computeManifest(store, hashing, hash, chunkSize);
  // Keeping it is an optimisation: a failure (a full disk) only means computing it again.
  await store.keepManifest?.(hash, m).catch(() => undefined);
  return m;
}

/** A small LRU of manifests, so a big blob is hashed once while peers fetch it. */
export function createManifestCache(store: BlobStore, hashing: Hashing, chunkSize: number, capacity = 256) {
  const cache = new Map<BlobHash, Promise<BlobManifest>>();
  return {
    get(hash: BlobHash): Promise<BlobManifest> {
      let p = cache.get(hash);
      if (p) cache.delete(hash);
      else p = loadManifest(store, hashing, hash, chunkSize);
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
