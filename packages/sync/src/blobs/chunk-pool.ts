/**
 * Chunk buffers a blob server reads into and reuses. A fresh 1 MiB buffer per chunk sent made
 * the sender's V8 run a full mark-compact every ~64 MB of chunks on top of those the
 * connection's own encryption causes (10–14 instead of 3–6 per 125 MB: ~0.8 ms of CPU per MB,
 * docs/benchmarks.md#blob-throughput). A buffer handed to a stream may only be reused once the
 * stream no longer holds it: see `createSentChunks`.
 */
import type { Stream } from '@libp2p/interface';

/** A bounded free list of equal-sized buffers. */
export interface ChunkPool {
  /** A free buffer, or a new one when none is free. */
  take(): Uint8Array;
  /** Gives a buffer back (kept only while fewer than `max` are free). */
  give(buffer: Uint8Array): void;
  /** Buffers taken from the free list rather than allocated (tests, benchmarks). */
  readonly reused: number;
}

export function createChunkPool(size: number, max: number): ChunkPool {
  const free: Uint8Array[] = [];
  let reused = 0;
  return {
    take() {
      const b = free.pop();
      if (!b) return new Uint8Array(size);
      reused++;
      return b;
    },
    give(buffer) {
      if (buffer.length === size && free.length < max) free.push(buffer);
    },
    get reused() {
      return reused;
    },
  };
}

/** The buffers sent on one stream, waiting until the stream has let go of them. */
export interface SentChunks {
  /** Records a buffer whose bytes were just handed to `stream.send`. */
  sent(buffer: Uint8Array): void;
  /** Gives every sent buffer back to the pool if the stream holds none of them any more. */
  reclaim(): void;
}

/**
 * A stream holds sent bytes in its own write buffer (yamux waits for the peer's window) and
 * its connection may hold them in its write buffer (Noise encrypts when the socket drains).
 * With nothing queued on the stream and no drain needed, every byte went through a connection
 * that accepted it: a connection that buffers instead answers `false`, which marks every
 * stream of it as needing a drain, and encrypts its backlog (in a microtask queued before the
 * streams resume) when the socket drains. So the check runs in the caller's turn or in a
 * microtask after the stream's `idle` or `drain` event, never inside the event itself.
 * chunk-pool.test.ts checks this against the real libp2p stack.
 */
export function createSentChunks(stream: Stream, pool: ChunkPool): SentChunks {
  const held: Uint8Array[] = [];
  const reclaim = () => {
    if (held.length === 0 || stream.writeBufferLength > 0 || stream.writableNeedsDrain) return;
    for (const b of held.splice(0)) pool.give(b);
  };
  const later = () => {
    if (held.length > 0) queueMicrotask(reclaim);
  };
  stream.addEventListener('idle', later);
  stream.addEventListener('drain', later);
  return {
    sent(buffer) {
      held.push(buffer);
    },
    reclaim,
  };
}
