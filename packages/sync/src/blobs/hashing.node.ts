import { createHash, webcrypto } from 'node:crypto';
import type { Hashing, IncrementalHash } from './hashing.ts';

function wrap(algo: 'sha256' | 'sha1'): Promise<IncrementalHash> {
  const h = createHash(algo);
  return Promise.resolve({
    update: (data) => void h.update(data),
    digest: () => new Uint8Array(h.digest()),
  });
}

const SMALL = 64 * 1024;

/** node:crypto hashing (native, the fastest here). */
export const nodeHashing: Hashing = {
  sha256: () => wrap('sha256'),
  sha1: () => wrap('sha1'),
  // Small buffers hash here: a thread-pool round trip costs more than hashing 64 KiB.
  sha256Of: async (data) =>
    data.length <= SMALL
      ? new Uint8Array(createHash('sha256').update(data).digest())
      : new Uint8Array(await webcrypto.subtle.digest('SHA-256', data)),
};
