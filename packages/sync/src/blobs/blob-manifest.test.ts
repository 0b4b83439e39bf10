import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { BlobHash } from '../ids.ts';
import { createMemoryBlobStore } from './blob-store.memory.ts';
import { computeManifest } from './blob-manifest.ts';
import { nodeHashing } from './hashing.node.ts';

const CS = 64 * 1024;
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

describe('computeManifest', () => {
  it.each([
    ['a ragged last chunk', 3 * CS + 5],
    ['an exact multiple of the chunk size', 3 * CS],
    ['one short chunk', 10],
    ['no bytes', 0],
  ])('gives the SHA-256 of every chunk-boundary prefix, the last being the address (%s)', async (_, size) => {
    const store = createMemoryBlobStore({ hashing: nodeHashing });
    const data = new Uint8Array(size).map((_, i) => (i * 7 + 3) & 255);
    const { hash } = await store.put(data);
    const m = await computeManifest(store, nodeHashing, hash as BlobHash, CS);
    const n = Math.max(1, Math.ceil(size / CS));
    const expected = new Uint8Array(32 * n);
    for (let i = 0; i < n; i++) expected.set(sha(data.subarray(0, Math.min(size, (i + 1) * CS))), 32 * i);
    expect(m).toEqual({ size, chunkSize: CS, prefixDigests: expected });
    expect(Buffer.from(m.prefixDigests.subarray(32 * (n - 1))).toString('hex')).toBe(hash);
  });
});
