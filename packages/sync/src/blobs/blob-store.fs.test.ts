import { mkdtemp, open, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFsBlobStore } from './blob-store.fs.ts';
import { runBlobStoreContract } from './blob-store.contract.ts';
import { BlobStoreFullError } from './errors.ts';

const tempRoot = () => mkdtemp(join(tmpdir(), 'hearth-blobs-'));

runBlobStoreContract('filesystem', async () => {
  const root = await tempRoot();
  const store = createFsBlobStore({ root });
  await store.start();
  return { store, teardown: async () => rm(root, { recursive: true, force: true }) };
});

describe('filesystem blob store', () => {
  it('lays blobs out as sha256/ab/cd/<hash>', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    const { hash } = await store.put(new TextEncoder().encode('hello'));
    expect(store.pathOf(hash)).toBe(join(root, 'sha256', hash.slice(0, 2), hash.slice(2, 4), hash));
    expect(existsSync(store.pathOf(hash))).toBe(true);
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
      await rm(root, { recursive: true, force: true });
    },
  );
});
