import { mkdtemp, open, readdir, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFsBlobStore } from './blob-store.fs.ts';
import { runBlobStoreContract } from './blob-store.contract.ts';
import { BlobStoreFullError } from './errors.ts';
import { readAll } from './blob-store.ts';
import { bytesEqual, sha256Hex } from './hashing.ts';
import { nodeHashing } from './hashing.node.ts';
import type { BlobHash } from '../ids.ts';

const tempRoot = () => mkdtemp(join(tmpdir(), 'hearth-blobs-'));

runBlobStoreContract('filesystem', async () => {
  const root = await tempRoot();
  const store = createFsBlobStore({ root });
  await store.start();
  return {
    store,
    teardown: async () => {
      // Stop first: a pack batch still being written must not land in a removed dir.
      await store.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
});

describe('filesystem blob store', () => {
  it('lays blobs out as sha256/ab/cd/<hash> (small ones too when packing is off)', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root, packMaxBlob: 0 });
    await store.start();
    const { hash } = await store.put(new TextEncoder().encode('hello'));
    expect(store.pathOf(hash)).toBe(join(root, 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash));
    expect(existsSync(store.pathOf(hash))).toBe(true);
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('keeps the temp files of another live writer (a daemon starting during a CLI import)', async () => {
    const root = await tempRoot();
    await mkdir(join(root, 'tmp'), { recursive: true });
    // The parent process (the test runner) is alive; a pid past the kernel's limit is not.
    await writeFile(join(root, 'tmp', `${process.ppid}-in-flight`), 'half a photo, still being written');
    await writeFile(join(root, 'tmp', '4194305-dead-writer'), 'half a photo, writer gone');
    const store = createFsBlobStore({ root });
    await store.start();
    expect(await readdir(join(root, 'tmp'))).toEqual([`${process.ppid}-in-flight`]);
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('removes temp leftovers of an interrupted write on start', async () => {
    const root = await tempRoot();
    await mkdir(join(root, 'tmp'), { recursive: true });
    await writeFile(join(root, 'tmp', 'crashed-write'), 'half a photo');
    const store = createFsBlobStore({ root });
    await store.start();
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await store.stats()).toEqual({ count: 0, bytes: 0 });
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('keeps the verified chunks of an interrupted write and resumes from them after a restart', async () => {
    const root = await tempRoot();
    const cs = 64 * 1024;
    const data = new Uint8Array(5 * cs + 100).map((_, i) => (i * 31) >> 3);
    const hash = (await sha256Hex(nodeHashing, data)) as BlobHash;
    const chunk = (i: number) => data.subarray(i * cs, Math.min(data.length, (i + 1) * cs));
    const checked: number[] = [];
    const verify = async (i: number, bytes: Uint8Array) => {
      checked.push(i);
      return bytesEqual(await nodeHashing.sha256Of(bytes), await nodeHashing.sha256Of(chunk(i)));
    };
    let store = createFsBlobStore({ root });
    await store.start();
    const first = await store.resume!(hash, cs, verify);
    expect(first.size).toBe(0);
    for (const i of [0, 1, 2]) await first.append(chunk(i));
    await first.append(new Uint8Array(1000).fill(9)); // a torn write: must not be kept
    await first.close();
    // A restart: the partial of a dead writer is claimed, its good chunks kept, the rest dropped.
    const [left] = await readdir(join(root, 'partial'));
    await rename(join(root, 'partial', left!), join(root, 'partial', `${hash}.4194305`));
    store = createFsBlobStore({ root });
    await store.start();
    expect(await store.has(hash)).toBe(false);
    checked.length = 0;
    const second = await store.resume!(hash, cs, verify);
    expect(second.size).toBe(3 * cs);
    expect(checked).toEqual([0, 1, 2, 3]);
    for (const i of [3, 4, 5]) await second.append(chunk(i));
    expect(await second.commit()).toEqual({ hash, size: data.length, created: true });
    expect(await readAll(store, hash)).toEqual(data);
    expect(await readdir(join(root, 'partial'))).toEqual([]);
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('refuses to publish a partial whose bytes do not add up to its hash, and keeps nothing', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    const hash = (await sha256Hex(nodeHashing, new Uint8Array(10))) as BlobHash;
    const p = await store.resume!(hash, 64 * 1024, () => Promise.resolve(true));
    await p.append(new Uint8Array(10).fill(1));
    await expect(p.commit()).rejects.toMatchObject({ code: 'BLOB_HASH_MISMATCH' });
    expect(await store.has(hash)).toBe(false);
    expect(await readdir(join(root, 'partial'))).toEqual([]);
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it.skipIf(!existsSync('/dev/full'))(
    'turns a real ENOSPC (/dev/full) into BlobStoreFullError and leaves no partial blob',
    async () => {
      const root = await tempRoot();
      const store = createFsBlobStore({ root, openTemp: () => open('/dev/full', 'w') });
      await store.start();
      const err = await store.put(new Uint8Array(1 << 20).fill(1)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlobStoreFullError);
      expect(err).toMatchObject({ code: 'BLOB_STORE_FULL' });
      expect(await store.stats()).toEqual({ count: 0, bytes: 0 });
      expect(await readdir(join(root, 'tmp'))).toEqual([]);
      await store.stop();
      await rm(root, { recursive: true, force: true });
    },
  );
});
