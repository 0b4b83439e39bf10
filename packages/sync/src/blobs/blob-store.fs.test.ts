import { mkdtemp, open, readdir, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

describe('filesystem blob store: small blobs through the write-ahead log', () => {
  const logDir = (root: string) => join(root, 'log');
  /** Makes this process's open log look like a dead writer's (as after a crash). */
  async function orphanLogs(root: string): Promise<void> {
    for (const name of await readdir(logDir(root)))
      await rename(join(logDir(root), name), join(logDir(root), `4194305-${name.replace(/^\d+-/, '')}`));
  }

  it('replays the log of a dead writer: torn and missing blob files are written again, tombstoned ones stay deleted', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root, logMaxBlob: 64 * 1024 });
    await store.start();
    const blobs = [1, 2, 3, 4].map((s) => new Uint8Array(30_000).map((_, i) => (i * s) & 255));
    const hashes = [];
    for (const b of blobs) hashes.push((await store.put(b)).hash);
    expect(await store.delete(hashes[3]!)).toBe(true);
    // A crash before the files reached the disk: one torn, one gone.
    await writeFile(store.pathOf(hashes[0]!), blobs[0]!.subarray(0, 100));
    await rm(store.pathOf(hashes[1]!));
    await orphanLogs(root);
    // And a torn record at the log's end (an append the crash cut short).
    const [log] = await readdir(logDir(root));
    await writeFile(join(logDir(root), log!), new Uint8Array(60).fill(7), { flag: 'a' });

    const again = createFsBlobStore({ root });
    await again.start();
    for (const i of [0, 1, 2]) expect(await readAll(again, hashes[i]!)).toEqual(blobs[i]);
    expect(await again.has(hashes[3]!)).toBe(false);
    expect(await readdir(logDir(root))).toEqual([]);
    await again.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('a checkpoint empties the log; stop removes it', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    const results = await Promise.all([5, 6, 7].map((s) => store.put(new Uint8Array(1000).fill(s))));
    expect(results.every((r) => r.created)).toBe(true);
    expect(await readdir(logDir(root))).toHaveLength(1);
    await store.stop();
    expect(await readdir(logDir(root))).toEqual([]);
    await rm(root, { recursive: true, force: true });
  });

  it.skipIf(!existsSync('/dev/full'))(
    'a small blob on a full disk: BlobStoreFullError, nothing kept',
    async () => {
      const root = await tempRoot();
      const store = createFsBlobStore({ root, openTemp: () => open('/dev/full', 'w') });
      await store.start();
      await expect(store.put(new Uint8Array(30_000).fill(3))).rejects.toMatchObject({
        code: 'BLOB_STORE_FULL',
      });
      expect(await store.stats()).toEqual({ count: 0, bytes: 0 });
      expect(await readdir(join(root, 'tmp'))).toEqual([]);
      await store.stop();
      await rm(root, { recursive: true, force: true });
    },
  );

  it('a writer SIGKILLed mid-batch leaves every blob whole and verified or absent, and no leftovers', async () => {
    const root = await tempRoot();
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('./blob-store-crash-child.fs.ts', import.meta.url)), root],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acked: string[] = [];
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        acked.push(...lines);
        if (acked.length >= 300) resolve();
      });
      child.on('exit', (code) => reject(new Error(`writer exited (${code}) before the kill`)));
    });
    child.kill('SIGKILL');
    await exited;

    const store = createFsBlobStore({ root });
    await store.start();
    const held = new Set<string>();
    for await (const h of store.list()) {
      held.add(h);
      expect(await sha256Hex(nodeHashing, await readAll(store, h))).toBe(h);
    }
    for (const h of acked) expect(held.has(h)).toBe(true); // every put that resolved is kept
    expect(held.size).toBeGreaterThanOrEqual(acked.length);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await readdir(logDir(root))).toEqual([]);
    await store.stop();
    await rm(root, { recursive: true, force: true });
  }, 60_000);
});
