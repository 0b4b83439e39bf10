/**
 * Where a device keeps content-addressed blobs (originals, previews, thumbnails, …).
 * A blob is only ever visible whole and verified: `put` hashes what it writes and
 * publishes it atomically, so a crash leaves either no blob or the right one.
 */
import type { BlobHash } from '../ids.ts';
import type { BlobManifest } from './blob-manifest.ts';
import { BlobNotFoundError, BlobRangeError } from './errors.ts';

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

/**
 * A blob being written chunk by chunk whose verified chunks outlive the writer (a fetch
 * that a restart interrupted resumes from them instead of from zero). Nothing in it is
 * visible as a blob until `commit`, which checks the whole blob as `put` does.
 */
export interface PartialBlob {
  /** Bytes kept from an earlier attempt, every chunk of them re-checked by the caller's `verify`. */
  readonly size: number;
  /** Appends one verified chunk, whole or as the pieces it arrived in (written without joining). */
  append(chunk: Uint8Array | readonly Uint8Array[]): Promise<void>;
  /**
   * Checks the whole blob against its hash and publishes it (BlobHashMismatchError: nothing
   * kept). With `verifiedByCaller`, `digest` is the caller's SHA-256 of everything appended.
   */
  commit(digest?: Uint8Array): Promise<BlobPutResult>;
  /** Stops writing, keeping what was appended for a later `resume`. */
  close(): Promise<void>;
}

/** Checks chunk `index` of a partial against the blob's manifest; chunks come in order from 0. */
export type ChunkVerifier = (index: number, bytes: Uint8Array) => Promise<boolean>;

/** Options of `resume`. */
export interface ResumeOptions {
  /**
   * The caller hashes, in order, every chunk it verifies (those `verify` keeps and those it
   * appends) and passes the digest to `commit`: the partial does not hash the bytes again,
   * so a received blob is hashed once (see blob-manifest.ts).
   */
  verifiedByCaller?: boolean;
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
  /**
   * Reads up to `length` bytes at `start` into memory (fewer at the blob's end), with the
   * blob's size: one call per chunk a server sends. BlobRangeError when `start` > size.
   * With `into` (at least `length` bytes), a store may read into it and return a view of it,
   * so a server can reuse its chunk buffers (a fresh 1 MiB buffer per chunk made the sender's
   * garbage collector run three times as often); stores that cannot ignore it.
   */
  read(
    hash: BlobHash,
    start: number,
    length: number,
    into?: Uint8Array,
  ): Promise<{ size: number; bytes: Uint8Array }>;
  /**
   * Reads a whole blob of at most `max` bytes in one go, with its size; a bigger one gives its
   * size alone (nothing read). BlobNotFoundError when absent. One open per blob instead of
   * `size` then `read`: a server sends thumbnails many per answer, and on the filesystem the
   * extra call was a third of the sender's work for them. Optional: `readSmall` falls back.
   */
  readWhole?(hash: BlobHash, max: number): Promise<SmallRead>;
  /**
   * Opens (or creates) the partial write of `hash`, keeping the leading chunks of an earlier
   * attempt that `verify` accepts and dropping the rest. Optional: stores without it restart
   * interrupted fetches from zero (see openPartial).
   */
  resume?(
    hash: BlobHash,
    chunkSize: number,
    verify: ChunkVerifier,
    options?: ResumeOptions,
  ): Promise<PartialBlob>;
  /** Streams bytes in, verifies and publishes them atomically. */
  put(body: AsyncIterable<Uint8Array> | Uint8Array, options?: BlobPutOptions): Promise<BlobPutResult>;
  /**
   * The blob's chunk manifest for `chunkSize` if the store kept one (blob-manifest.ts), checked
   * to be whole and this blob's; undefined: the caller computes it from the bytes. Optional.
   */
  manifest?(hash: BlobHash, chunkSize: number): Promise<BlobManifest | undefined>;
  /** Keeps a manifest computed from the blob's bytes, so serving it again needs no re-hash. Optional. */
  keepManifest?(hash: BlobHash, manifest: BlobManifest): Promise<void>;
  /** True when something was deleted. */
  delete(hash: BlobHash): Promise<boolean>;
  /** Moves a blob whose bytes no longer match out of the addressable set, keeping the bytes aside for inspection. */
  quarantine(hash: BlobHash): Promise<boolean>;
  list(): AsyncIterable<BlobHash>;
  stats(): Promise<BlobStoreStats>;
}

/** A whole small blob (`bytes`), or only the size of one above the asked maximum. */
export interface SmallRead {
  size: number;
  bytes?: Uint8Array;
}

/** A whole blob of at most `max` bytes (see `BlobStore.readWhole`), through `size` + `read` where the store has no faster path. */
export async function readSmall(store: BlobStore, hash: BlobHash, max: number): Promise<SmallRead> {
  if (store.readWhole) return store.readWhole(hash, max);
  const size = await store.size(hash);
  if (size === undefined) throw new BlobNotFoundError(hash);
  if (size > max) return { size };
  const r = await store.read(hash, 0, size);
  return r.bytes.length === r.size ? { size: r.size, bytes: r.bytes } : { size: r.size };
}

/** Reads a range through `open`, for backends without a faster path. */
export async function readViaOpen(
  store: BlobStore,
  hash: BlobHash,
  start: number,
  length: number,
): Promise<{ size: number; bytes: Uint8Array }> {
  const size = await store.size(hash);
  if (size === undefined) throw new BlobNotFoundError(hash);
  if (!Number.isSafeInteger(start) || start < 0 || start > size)
    throw new BlobRangeError(hash, start, start + length, size);
  const end = Math.min(size, start + Math.max(0, length));
  return { size, bytes: await readAll(store, hash, { start, end }) };
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
