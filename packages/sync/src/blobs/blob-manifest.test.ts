import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { BlobHash } from '../ids.ts';
import { createMemoryBlobStore } from './blob-store.memory.ts';
import { computeManifest, loadManifest } from './blob-manifest.ts';
import { nodeHashing } from './hashing.node.ts';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsBlobStore } from './blob-store.fs.ts';
import type { BlobStore } from './blob-store.ts';
import type { Hashing } from './hashing.ts';
import { BlobNotFoundError } from './errors.ts';

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

describe('loadManifest (kept manifests)', () => {
  const setup = async (size: number) => {
    const root = await mkdtemp(join(tmpdir(), 'hearth-manifest-'));
    const store = createFsBlobStore({ root, manifestChunk: CS });
    await store.start();
    const data = new Uint8Array(size).map((_, i) => (i * 13 + 5) & 255);
    // Streamed in pieces that straddle chunk boundaries, as a fetch or an import writes.
    async function* pieces() {
      for (let at = 0; at < data.length; at += 10_000) yield data.subarray(at, at + 10_000);
    }
    const { hash } = await store.put(pieces());
    const memory = createMemoryBlobStore({ hashing: nodeHashing });
    await memory.put(data);
    const expected = await computeManifest(memory, nodeHashing, hash, CS);
    /** The store and hashing seen through counters: any read or hash of the blob shows. */
    const seen = { opens: 0, reads: 0, hashes: 0 };
    const counted: BlobStore = {
      ...store,
      open: (h, r) => (seen.opens++, store.open(h, r)),
      read: (h, s, l, into) => (seen.reads++, store.read(h, s, l, into)),
    };
    const hashing: Hashing = { ...nodeHashing, sha256: () => (seen.hashes++, nodeHashing.sha256()) };
    const close = async () => {
      await store.stop();
      await rm(root, { recursive: true, force: true });
    };
    return { root, store, hash, expected, seen, load: () => loadManifest(counted, hashing, hash, CS), close };
  };

  it('serves a freshly put blob without reading or hashing it again', async () => {
    const t = await setup(3 * CS + 5);
    try {
      expect(await t.load()).toEqual(t.expected);
      expect(t.seen).toEqual({ opens: 0, reads: 0, hashes: 0 });
    } finally {
      await t.close();
    }
  });

  it('needs nothing kept for a blob of one chunk: its manifest is its address', async () => {
    const t = await setup(CS);
    try {
      expect(await t.load()).toEqual(t.expected);
      expect(t.seen).toEqual({ opens: 0, reads: 0, hashes: 0 });
    } finally {
      await t.close();
    }
  });

  it.each([
    ['a flipped bit', (b: Buffer) => void (b[40]! ^= 1)],
    ['a torn file', (b: Buffer) => b.subarray(0, b.length - 7)],
    ['another chunk size', (b: Buffer) => void b.writeUInt32BE(2 * CS, 4)],
  ])('does not trust a kept manifest with %s: computed from the bytes again, then kept', async (_, spoil) => {
    const t = await setup(4 * CS + 1);
    try {
      const file = join(t.root, 'manifest', t.hash.slice(0, 2), t.hash);
      const b = await readFile(file);
      await writeFile(file, spoil(b) ?? b);
      expect(await t.load()).toEqual(t.expected);
      expect(t.seen.opens).toBe(1);
      expect(t.seen.hashes).toBe(1);
      // Kept again, whole: the next load reads nothing.
      expect(await t.load()).toEqual(t.expected);
      expect(t.seen.hashes).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('drops the kept manifest with the blob', async () => {
    const t = await setup(2 * CS + 9);
    try {
      const file = join(t.root, 'manifest', t.hash.slice(0, 2), t.hash);
      expect(existsSync(file)).toBe(true);
      await t.store.delete(t.hash);
      expect(existsSync(file)).toBe(false);
      await expect(t.load()).rejects.toBeInstanceOf(BlobNotFoundError);
    } finally {
      await t.close();
    }
  });
});
