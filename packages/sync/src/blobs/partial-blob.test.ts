import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { BlobHash } from '../ids.ts';
import { createMemoryBlobStore } from './blob-store.memory.ts';
import { readAll } from './blob-store.ts';
import { nodeHashing } from './hashing.node.ts';
import { openPartial } from './partial-blob.ts';

describe('openPartial on a store without resume (fed to put)', () => {
  it('takes several appends in flight at once, each of many pieces, and commits the whole blob', async () => {
    const store = createMemoryBlobStore({ hashing: nodeHashing });
    const data = new Uint8Array(3 * 16 * 4096).map((_, i) => (i * 13) & 255);
    const hash = createHash('sha256').update(data).digest('hex') as BlobHash;
    const partial = await openPartial(store, hash, 16 * 4096, () => Promise.resolve(true));
    // Three chunks of 16 pieces each, appended without waiting (as a fetch keeps writes in flight).
    const pieces = (c: number) =>
      Array.from({ length: 16 }, (_, k) => data.subarray((c * 16 + k) * 4096, (c * 16 + k + 1) * 4096));
    await Promise.all([0, 1, 2].map((c) => partial.append(pieces(c))));
    expect(await partial.commit()).toEqual({ hash, size: data.length, created: true });
    expect(await readAll(store, hash)).toEqual(data);
  });
});
