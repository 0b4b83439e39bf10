/**
 * Where a device keeps content-addressed blobs (originals, previews, thumbnails, …).
 * A blob is only ever visible whole and verified: `put` hashes what it writes and
 * publishes it atomically, so a crash leaves either no blob or the right one.
 */
import type { BlobHash } from '../ids.ts';

/** A byte range, `end` exclusive (HTTP's inclusive ranges are converted at the edge). */
export interface BlobRange {
  start: number;
  end?: number;
}

/** An open read: the blob's full size and the requested bytes. */
export interface BlobRead {
  size: number;
  start: number;
  /** Exclusive. */
  end: number;
  body: AsyncIterable<Uint8Array>;
}

/** The result of a put. */
export interface BlobPutResult {
  hash: BlobHash;
  size: number;
  /** False when the store already held the blob (the new bytes were discarded). */
  created: boolean;
}

/** Options of a put. */
export interface BlobPutOptions {
  /** When set, the bytes must hash to this or nothing is stored (BlobHashMismatchError). */
  expected?: BlobHash;
  signal?: AbortSignal;
}

/** Totals over the store. */
export interface BlobStoreStats {
  count: number;
  bytes: number;
}

/** A content-addressed blob store; see runBlobStoreContract for the behaviour every backend shares. */
export interface BlobStore {
  /** Prepares the store and removes leftovers of interrupted writes. */
  start(): Promise<void>;
  stop(): Promise<void>;
  has(hash: BlobHash): Promise<boolean>;
  /** The blob's size, or undefined when absent. */
  size(hash: BlobHash): Promise<number | undefined>;
  /** Opens the whole blob or a range; BlobNotFoundError when absent, BlobRangeError when out of bounds. */
  open(hash: BlobHash, range?: BlobRange): Promise<BlobRead>;
  /** Streams bytes in, verifies and publishes them atomically. */
  put(body: AsyncIterable<Uint8Array> | Uint8Array, options?: BlobPutOptions): Promise<BlobPutResult>;
  /** True when something was deleted. */
  delete(hash: BlobHash): Promise<boolean>;
  /** Moves a blob whose bytes no longer match out of the addressable set, keeping the bytes aside for inspection. */
  quarantine(hash: BlobHash): Promise<boolean>;
  list(): AsyncIterable<BlobHash>;
  stats(): Promise<BlobStoreStats>;
}

/** Reads a whole blob (or range) into memory; for small blobs and tests. */
export async function readAll(store: BlobStore, hash: BlobHash, range?: BlobRange): Promise<Uint8Array> {
  const r = await store.open(hash, range);
  const out = new Uint8Array(r.end - r.start);
  let at = 0;
  for await (const c of r.body) {
    out.set(c, at);
    at += c.length;
  }
  return at === out.length ? out : out.subarray(0, at);
}

/** Resolves a range against a size; returns undefined when it does not fit. */
export function resolveRange(size: number, range?: BlobRange): { start: number; end: number } | undefined {
  const start = range?.start ?? 0;
  const end = range?.end ?? size;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > size || start > end)
    return undefined;
  return { start, end };
}

/** Normalises put input to an async iterable. */
export async function* asChunks(body: AsyncIterable<Uint8Array> | Uint8Array): AsyncIterable<Uint8Array> {
  if (body instanceof Uint8Array) yield body;
  else yield* body;
}
