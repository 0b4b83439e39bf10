/**
 * The check every fetched chunk passes before it is stored: one running SHA-256 over the
 * verified chunks, in order (those kept on disk from an earlier attempt, then those
 * received), whose digest at each chunk boundary must match the manifest's prefix digest
 * (blob-manifest.ts). A chunk is tried on a fork and kept only when it matches, so a bad
 * chunk leaves the state at the last good boundary for the next peer. Chunks are hashed as
 * the pieces they arrived in (never joined), on this thread: CPU, not latency, bounds
 * throughput on a loaded machine, and a thread-pool digest copies.
 */
import { bytesEqual, type Hashing, type IncrementalHash } from './hashing.ts';

/** The running check of one chunked fetch. */
export interface ChunkCheck {
  /** Chunks verified so far: the index of the next one expected. */
  readonly verified: number;
  /** The prefix digests chunks are checked against (a peer that takes over brings its own). */
  digests: Uint8Array;
  /** Checks chunk `i` (its pieces, in order); true and counted when it is the next and matches. */
  check(i: number, pieces: readonly Uint8Array[]): Promise<boolean>;
  /** The digest of every verified chunk: the blob's, once all are. */
  digest(): Uint8Array;
}

/** A check for a blob of `size` bytes in chunks of `chunkSize`, against `digests` (32 bytes each). */
export async function createChunkCheck(
  hashing: Hashing,
  size: number,
  chunkSize: number,
  digests: Uint8Array,
): Promise<ChunkCheck> {
  const n = digests.length / 32;
  let running: IncrementalHash = await hashing.sha256();
  let verified = 0;
  const out: ChunkCheck = {
    get verified() {
      return verified;
    },
    digests,
    async check(i, pieces) {
      if (i !== verified || i >= n) return false;
      let length = 0;
      for (const p of pieces) length += p.length;
      if (length !== Math.min(chunkSize, size - i * chunkSize)) return false;
      const h = await running.fork();
      for (const p of pieces) h.update(p);
      if (!bytesEqual(h.peek(), out.digests.subarray(32 * i, 32 * i + 32))) return false;
      running = h;
      verified++;
      return true;
    },
    digest: () => running.digest(),
  };
  return out;
}
