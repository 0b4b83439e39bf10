/** An in-memory BlobStore for tests and short-lived tools. */
import type { BlobHash } from '../ids.ts';
import type {
  BlobPutOptions,
  BlobPutResult,
  BlobRange,
  BlobRead,
  BlobStore,
  BlobStoreStats,
} from './blob-store.ts';
import { asChunks, resolveRange } from './blob-store.ts';
import { BlobHashMismatchError, BlobNotFoundError, BlobRangeError } from './errors.ts';
import type { Hashing } from './hashing.ts';
import { toHex } from './hashing.ts';
import { wasmHashing } from './hashing.wasm.ts';

/** A memory store; `blobs` is exposed so tests can flip bits (scrub tests). */
export interface MemoryBlobStore extends BlobStore {
  readonly blobs: Map<BlobHash, Uint8Array>;
  readonly quarantined: Map<BlobHash, Uint8Array>;
}

export function createMemoryBlobStore(options: { hashing?: Hashing } = {}): MemoryBlobStore {
  const hashing = options.hashing ?? wasmHashing;
  const blobs = new Map<BlobHash, Uint8Array>();
  const quarantined = new Map<BlobHash, Uint8Array>();
  const CHUNK = 256 * 1024;
  return {
    blobs,
    quarantined,
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
    has: (hash) => Promise.resolve(blobs.has(hash)),
    size: (hash) => Promise.resolve(blobs.get(hash)?.length),
    open(hash: BlobHash, range?: BlobRange): Promise<BlobRead> {
      const data = blobs.get(hash);
      if (!data) return Promise.reject(new BlobNotFoundError(hash));
      const r = resolveRange(data.length, range);
      if (!r)
        return Promise.reject(
          new BlobRangeError(hash, range?.start ?? 0, range?.end ?? data.length, data.length),
        );
      async function* body() {
        for (let at = r!.start; at < r!.end; at += CHUNK) yield data!.slice(at, Math.min(r!.end, at + CHUNK));
      }
      return Promise.resolve({ size: data.length, start: r.start, end: r.end, body: body() });
    },
    read(hash, start, length) {
      const data = blobs.get(hash);
      if (!data) return Promise.reject(new BlobNotFoundError(hash));
      if (!Number.isSafeInteger(start) || start < 0 || start > data.length)
        return Promise.reject(new BlobRangeError(hash, start, start + length, data.length));
      return Promise.resolve({ size: data.length, bytes: data.slice(start, start + Math.max(0, length)) });
    },
    readWhole(hash, max) {
      const data = blobs.get(hash);
      if (!data) return Promise.reject(new BlobNotFoundError(hash));
      return Promise.resolve(
        data.length > max ? { size: data.length } : { size: data.length, bytes: data.slice() },
      );
    },
    async put(input, opts: BlobPutOptions = {}): Promise<BlobPutResult> {
      const h = await hashing.sha256();
      const parts: Uint8Array[] = [];
      let size = 0;
      for await (const c of asChunks(input)) {
        opts.signal?.throwIfAborted();
        h.update(c);
        parts.push(c.slice());
        size += c.length;
      }
      const hash = toHex(h.digest()) as BlobHash;
      if (opts.expected && opts.expected !== hash)
        throw new BlobHashMismatchError(opts.expected, hash, 'memory blob store');
      if (blobs.has(hash)) return { hash, size, created: false };
      const all = new Uint8Array(size);
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      blobs.set(hash, all);
      return { hash, size, created: true };
    },
    delete: (hash) => Promise.resolve(blobs.delete(hash)),
    quarantine(hash) {
      const data = blobs.get(hash);
      if (!data) return Promise.resolve(false);
      blobs.delete(hash);
      quarantined.set(hash, data);
      return Promise.resolve(true);
    },
    async *list() {
      for (const k of [...blobs.keys()]) yield k;
    },
    stats(): Promise<BlobStoreStats> {
      let bytes = 0;
      for (const b of blobs.values()) bytes += b.length;
      return Promise.resolve({ count: blobs.size, bytes });
    },
  };
}
