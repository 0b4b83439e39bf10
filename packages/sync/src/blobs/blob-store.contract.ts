/**
 * The behaviour every BlobStore backend shares. Each backend's test calls
 * `runBlobStoreContract(name, setup)`; the browser e2e runs it against real IndexedDB.
 */
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { BlobHash } from '../ids.ts';
import type { BlobStore } from './blob-store.ts';
import { readAll, readSmall } from './blob-store.ts';
import { sha256Hex } from './hashing.ts';
import { wasmHashing } from './hashing.wasm.ts';
import { patternBytes } from './pattern-bytes.ts';

/** Creates a fresh, started store; `teardown` stops and removes it. */
export type BlobStoreSetup = () => Promise<{ store: BlobStore; teardown?: () => Promise<void> }>;

async function* pieces(data: Uint8Array, sizes: number[]): AsyncIterable<Uint8Array> {
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const n = sizes[i++ % sizes.length] as number;
    yield data.subarray(at, at + n);
    at += n;
  }
}

const wrongHash = 'ab'.repeat(32) as BlobHash;

export function runBlobStoreContract(name: string, setup: BlobStoreSetup): void {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let teardown: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      ({ store, teardown } = await setup());
    });
    afterEach(async () => {
      await (teardown ? teardown() : store.stop());
    });

    it('stores bytes under their SHA-256 and reads them back', async () => {
      const data = patternBytes(1000);
      const r = await store.put(data);
      expect(r).toEqual({ hash: await sha256Hex(wasmHashing, data), size: 1000, created: true });
      expect(await store.has(r.hash)).toBe(true);
      expect(await store.size(r.hash)).toBe(1000);
      expect(await readAll(store, r.hash)).toEqual(data);
    });

    it('streams a multi-chunk blob in odd pieces and serves ranges across chunk boundaries', async () => {
      const data = patternBytes(1_300_000, 7);
      const { hash } = await store.put(pieces(data, [1, 65_537, 300_001, 12]));
      expect(await readAll(store, hash)).toEqual(data);
      for (const [start, end] of [
        [0, 1],
        [262_143, 262_145],
        [100, 1_000_000],
        [1_299_999, 1_300_000],
        [1_300_000, 1_300_000],
      ] as const) {
        const r = await store.open(hash, { start, end });
        expect([r.size, r.start, r.end]).toEqual([1_300_000, start, end]);
        expect(await readAll(store, hash, { start, end })).toEqual(data.subarray(start, end));
      }
      expect(await readAll(store, hash, { start: 1_299_000 })).toEqual(data.subarray(1_299_000));
    });

    it('reads a range into memory in one call, shorter at the end, with the size', async () => {
      const data = patternBytes(300_000, 5);
      const { hash } = await store.put(data);
      expect(await store.read(hash, 1000, 5000)).toEqual({ size: 300_000, bytes: data.subarray(1000, 6000) });
      expect(await store.read(hash, 299_000, 5000)).toEqual({ size: 300_000, bytes: data.subarray(299_000) });
      expect((await store.read(hash, 300_000, 10)).bytes.length).toBe(0);
      await expect(store.read(hash, 300_001, 10)).rejects.toMatchObject({ code: 'BLOB_RANGE_INVALID' });
      await expect(store.read(wrongHash, 0, 10)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
      await store.delete(hash);
      await expect(store.read(hash, 0, 10)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    });

    it('reads a whole small blob in one call, only the size of a bigger one (readWhole or its fallback)', async () => {
      const small = patternBytes(30_000, 6);
      const big = patternBytes(70_000, 7);
      const hs = (await store.put(small)).hash;
      const hb = (await store.put(big)).hash;
      const e = (await store.put(new Uint8Array(0))).hash;
      expect(await readSmall(store, hs, 65_536)).toEqual({ size: 30_000, bytes: small });
      expect(await readSmall(store, hs, 30_000)).toEqual({ size: 30_000, bytes: small });
      expect(await readSmall(store, hb, 65_536)).toEqual({ size: 70_000 });
      expect(await readSmall(store, e, 0)).toEqual({ size: 0, bytes: new Uint8Array(0) });
      await expect(readSmall(store, wrongHash, 65_536)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
      // Read after a chunked read opened the blob (a server reuses the open file), then deleted.
      expect((await store.read(hb, 0, 10)).size).toBe(70_000);
      expect(await readSmall(store, hb, 100_000)).toEqual({ size: 70_000, bytes: big });
      await store.delete(hs);
      await expect(readSmall(store, hs, 65_536)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    });

    it('rejects ranges outside the blob with BLOB_RANGE_INVALID', async () => {
      const { hash } = await store.put(patternBytes(10));
      await expect(store.open(hash, { start: 5, end: 11 })).rejects.toMatchObject({
        code: 'BLOB_RANGE_INVALID',
      });
      await expect(store.open(hash, { start: 6, end: 5 })).rejects.toMatchObject({
        code: 'BLOB_RANGE_INVALID',
      });
      await expect(store.open(hash, { start: -1 })).rejects.toMatchObject({ code: 'BLOB_RANGE_INVALID' });
    });

    it('stores the empty blob', async () => {
      const r = await store.put(new Uint8Array(0));
      expect(r.hash).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(await readAll(store, r.hash)).toEqual(new Uint8Array(0));
    });

    it('refuses bytes that do not match the expected hash and stores nothing', async () => {
      const data = patternBytes(5000);
      const wrong = (await sha256Hex(wasmHashing, patternBytes(5000, 2))) as BlobHash;
      await expect(store.put(data, { expected: wrong })).rejects.toMatchObject({
        code: 'BLOB_HASH_MISMATCH',
      });
      expect(await store.stats()).toEqual({ count: 0, bytes: 0 });
      expect(await store.has(wrong)).toBe(false);
    });

    it('leaves nothing behind when the input fails mid-way, also after a restart', async () => {
      async function* broken() {
        yield patternBytes(300_000);
        throw new Error('connection lost');
      }
      await expect(store.put(broken())).rejects.toThrow('connection lost');
      expect(await store.stats()).toEqual({ count: 0, bytes: 0 });
      await store.stop();
      await store.start();
      expect(await store.stats()).toEqual({ count: 0, bytes: 0 });
    });

    it('is idempotent: putting the same bytes twice keeps one blob', async () => {
      const data = patternBytes(70_000);
      expect((await store.put(data)).created).toBe(true);
      expect((await store.put(data)).created).toBe(false);
      expect(await store.stats()).toEqual({ count: 1, bytes: 70_000 });
    });

    it('deletes, lists, quarantines and counts', async () => {
      const hashes = await Promise.all(
        [1, 2, 3].map(async (s) => (await store.put(patternBytes(100 * s, s))).hash),
      );
      expect(new Set(await toArray(store.list()))).toEqual(new Set(hashes));
      expect(await store.stats()).toEqual({ count: 3, bytes: 600 });
      expect(await store.delete(hashes[0]!)).toBe(true);
      expect(await store.delete(hashes[0]!)).toBe(false);
      await expect(store.open(hashes[0]!)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
      expect(await store.quarantine(hashes[1]!)).toBe(true);
      expect(await store.has(hashes[1]!)).toBe(false);
      expect(await store.quarantine(hashes[1]!)).toBe(false);
      expect(await toArray(store.list())).toEqual([hashes[2]]);
      expect(await store.size(hashes[0]!)).toBeUndefined();
    });

    it('keeps blobs across stop and start', async () => {
      const { hash } = await store.put(patternBytes(4000, 9));
      await store.stop();
      await store.start();
      expect(await readAll(store, hash)).toEqual(patternBytes(4000, 9));
    });
  });
}

async function toArray<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
