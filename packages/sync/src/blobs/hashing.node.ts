import { createHash, webcrypto, type Hash } from 'node:crypto';
import type { Hashing, IncrementalHash } from './hashing.ts';

// `copy()` duplicates the native context (~1 µs): peeking at a prefix digest or forking
// costs nothing next to hashing a chunk.
function wrap(h: Hash): IncrementalHash {
  return {
    update: (data) => void h.update(data),
    digest: () => new Uint8Array(h.digest()),
    peek: () => new Uint8Array(h.copy().digest()),
    fork: () => Promise.resolve(wrap(h.copy())),
  };
}

const SMALL = 64 * 1024;

/** node:crypto hashing (native, the fastest here). */
export const nodeHashing: Hashing = {
  sha256: () => Promise.resolve(wrap(createHash('sha256'))),
  sha1: () => Promise.resolve(wrap(createHash('sha1'))),
  // Small buffers hash here: a thread-pool round trip costs more than hashing 64 KiB.
  sha256Of: async (data) =>
    data.length <= SMALL
      ? new Uint8Array(createHash('sha256').update(data).digest())
      : new Uint8Array(await webcrypto.subtle.digest('SHA-256', data)),
};
