/** The filesystem blob store's pack files: small blobs appended, sealed, tombstoned, compacted, crash-safe. */
import { mkdtemp, open, readdir, readFile, rename, rm, truncate, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createFsBlobStore } from './blob-store.fs.ts';
import { readAll } from './blob-store.ts';
import { sha256Hex } from './hashing.ts';
import { nodeHashing } from './hashing.node.ts';
import { logRecordHeader } from './blob-store-log.fs.ts';
import { scrubBlobs } from './scrub.ts';
import type { BlobHash } from '../ids.ts';

const tempRoot = () => mkdtemp(join(tmpdir(), 'hearth-blobs-'));

describe('filesystem blob store: small blobs in pack files', () => {
  const packDir = (root: string) => join(root, 'pack');
  const thumb = (seed: number, n = 30_000) => new Uint8Array(n).map((_, i) => (i * seed + (i >> 8)) & 255);
  /** Makes this process's packs look like a dead writer's (as after a crash). */
  async function orphanPacks(root: string): Promise<void> {
    for (const name of await readdir(packDir(root)))
      await rename(join(packDir(root), name), join(packDir(root), `4194305-${name.replace(/^\d+-/, '')}`));
  }

  it('packs small blobs (no file of their own), seals the pack on stop and reads it back from its index', async () => {
    const root = await tempRoot();
    let store = createFsBlobStore({ root });
    await store.start();
    const blobs = [1, 2, 3].map((s) => thumb(s));
    const results = await Promise.all(blobs.map((b) => store.put(b)));
    expect(results.every((r) => r.created)).toBe(true);
    expect(existsSync(store.pathOf(results[0]!.hash))).toBe(false);
    const big = await store.put(thumb(4, 300_000)); // above 256 KiB: a file of its own
    expect(existsSync(store.pathOf(big.hash))).toBe(true);
    await store.stop();
    const names = await readdir(packDir(root));
    expect(names.filter((n) => n.endsWith('.pack'))).toHaveLength(1);
    expect(names.filter((n) => n.endsWith('.pack.idx'))).toHaveLength(1);
    store = createFsBlobStore({ root });
    await store.start();
    for (const [i, r] of results.entries()) expect(await readAll(store, r.hash)).toEqual(blobs[i]);
    expect(await store.read(results[1]!.hash, 100, 50)).toEqual({
      size: 30_000,
      bytes: blobs[1]!.subarray(100, 150),
    });
    expect(await store.stats()).toEqual({ count: 4, bytes: 390_000 });
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('reads small blobs an earlier version stored as files of their own beside packed ones (no migration)', async () => {
    const root = await tempRoot();
    const old = createFsBlobStore({ root, packMaxBlob: 0 });
    await old.start();
    const loose = await old.put(thumb(15));
    await old.stop();
    expect(existsSync(old.pathOf(loose.hash))).toBe(true);
    const store = createFsBlobStore({ root });
    await store.start();
    const packed = await store.put(thumb(16));
    expect((await store.put(thumb(15))).created).toBe(false); // held (as a file): not packed again
    expect(await readAll(store, loose.hash)).toEqual(thumb(15));
    expect(new Set(await toArray(store.list()))).toEqual(new Set([loose.hash, packed.hash]));
    expect(await store.stats()).toEqual({ count: 2, bytes: 60_000 });
    expect(await store.delete(loose.hash)).toBe(true);
    expect(await store.has(loose.hash)).toBe(false);
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('a dead writer’s pack: whole verified records count, a torn or corrupt tail does not', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    const kept = await store.put(thumb(5));
    const cut = await store.put(thumb(6));
    const [pack] = (await readdir(packDir(root))).filter((n) => n.endsWith('.pack'));
    // A crash mid-append: the second record's bytes are cut short, garbage after them.
    const size = (await readFile(join(packDir(root), pack!))).length;
    await truncate(join(packDir(root), pack!), size - 1000);
    await writeFile(join(packDir(root), pack!), new Uint8Array(60).fill(7), { flag: 'a' });
    await orphanPacks(root);
    const again = createFsBlobStore({ root });
    await again.start();
    expect(await readAll(again, kept.hash)).toEqual(thumb(5));
    expect(await again.has(cut.hash)).toBe(false);
    expect(await again.stats()).toEqual({ count: 1, bytes: 30_000 });
    // The dead writer's pack is sealed on start, and later puts go to a new pack.
    expect((await readdir(packDir(root))).filter((n) => n.endsWith('.idx'))).toHaveLength(1);
    expect((await again.put(thumb(6))).created).toBe(true);
    await again.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('deletes with tombstones that survive a restart (a blob put again stays), and drops a pack with nothing left', async () => {
    const root = await tempRoot();
    let store = createFsBlobStore({ root });
    await store.start();
    const a = await store.put(thumb(7));
    const b = await store.put(thumb(8));
    expect(await store.delete(a.hash)).toBe(true);
    expect(await store.delete(a.hash)).toBe(false);
    expect(await store.has(a.hash)).toBe(false);
    await store.stop();
    store = createFsBlobStore({ root });
    await store.start();
    expect(await store.has(a.hash)).toBe(false);
    expect(await readAll(store, b.hash)).toEqual(thumb(8));
    expect((await store.put(thumb(7))).created).toBe(true); // into a new pack: the old tombstone names the old record
    expect(await store.delete(b.hash)).toBe(true); // the first pack now holds nothing live: removed
    await store.stop();
    store = createFsBlobStore({ root });
    await store.start();
    expect(await readAll(store, a.hash)).toEqual(thumb(7));
    expect(await store.has(b.hash)).toBe(false);
    expect((await readdir(packDir(root))).filter((n) => n.endsWith('.pack'))).toHaveLength(1);
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('a delete made by a later run stays deleted after a restart (its pack of tombstones is kept)', async () => {
    const root = await tempRoot();
    let store = createFsBlobStore({ root });
    await store.start();
    const [a, b] = await Promise.all([store.put(thumb(17)), store.put(thumb(18))]);
    await store.stop();
    store = createFsBlobStore({ root });
    await store.start();
    expect(await store.delete(a!.hash)).toBe(true);
    await store.stop();
    for (let i = 0; i < 2; i++) {
      store = createFsBlobStore({ root });
      await store.start();
      expect(await store.has(a!.hash)).toBe(false);
      expect(await readAll(store, b!.hash)).toEqual(thumb(18));
      await store.stop();
    }
    await rm(root, { recursive: true, force: true });
  });

  it('compacts on start a sealed pack more than half deleted: live blobs moved, the pack removed', async () => {
    const root = await tempRoot();
    let store = createFsBlobStore({ root });
    await store.start();
    const put = await Promise.all(Array.from({ length: 60 }, (_, i) => store.put(thumb(100 + i))));
    await store.stop();
    const [first] = (await readdir(packDir(root))).filter((n) => n.endsWith('.pack'));
    store = createFsBlobStore({ root });
    await store.start();
    for (const r of put.slice(0, 40)) expect(await store.delete(r.hash)).toBe(true); // 1.2 MB of 1.8 dead
    await store.stop();
    store = createFsBlobStore({ root });
    await store.start();
    const packs = (await readdir(packDir(root))).filter((n) => n.endsWith('.pack'));
    expect(packs).not.toContain(first);
    expect(await store.stats()).toEqual({ count: 20, bytes: 20 * 30_000 });
    for (const [i, r] of put.entries())
      if (i >= 40) expect(await readAll(store, r.hash)).toEqual(thumb(100 + i));
      else expect(await store.has(r.hash)).toBe(false);
    await store.stop();
    store = createFsBlobStore({ root });
    await store.start();
    expect(await store.stats()).toEqual({ count: 20, bytes: 20 * 30_000 });
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('sees what another store on the same directory packed since (a daemon and a CLI import)', async () => {
    const root = await tempRoot();
    const daemon = createFsBlobStore({ root });
    const cli = createFsBlobStore({ root });
    await daemon.start();
    await cli.start();
    const r = await cli.put(thumb(9));
    expect(await daemon.has(r.hash)).toBe(true);
    expect(await readAll(daemon, r.hash)).toEqual(thumb(9));
    await cli.stop();
    expect((await daemon.read(r.hash, 0, 10)).bytes).toEqual(thumb(9).subarray(0, 10));
    // A read-only command uses the store without start(): it still lists and counts packed blobs.
    const reader = createFsBlobStore({ root });
    expect(await reader.stats()).toEqual({ count: 1, bytes: 30_000 });
    expect(await readAll(reader, r.hash)).toEqual(thumb(9));
    await reader.stop();
    await daemon.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('fileOf moves a packed blob to a file of its own (for tools that need a path)', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    const r = await store.put(thumb(10));
    const path = await store.fileOf(r.hash);
    expect(path).toBe(store.pathOf(r.hash));
    expect(new Uint8Array(await readFile(path))).toEqual(thumb(10));
    expect(await store.stats()).toEqual({ count: 1, bytes: 30_000 });
    await expect(store.fileOf('ab'.repeat(32) as BlobHash)).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND' });
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('scrub finds a flipped bit in a packed blob and quarantines it, the bytes kept aside', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    const good = await store.put(thumb(11));
    const bad = await store.put(thumb(12));
    await store.stop();
    const [pack] = (await readdir(packDir(root))).filter((n) => n.endsWith('.pack'));
    const fh = await open(join(packDir(root), pack!), 'r+');
    // The second record: after the first (44-byte header + 30,000 bytes) and its own header.
    await fh.write(new Uint8Array([thumb(12)[500]! ^ 1]), 0, 1, 44 + 30_000 + 44 + 500);
    await fh.close();
    await store.start();
    const report = await scrubBlobs({ store, hashing: nodeHashing });
    expect(report.corrupt).toEqual([bad.hash]);
    expect(await store.has(bad.hash)).toBe(false);
    expect(await readAll(store, good.hash)).toEqual(thumb(11));
    expect(await readdir(join(root, 'quarantine'))).toHaveLength(1);
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('replays the write-ahead log an earlier version left after a crash', async () => {
    const root = await tempRoot();
    await mkdir(join(root, 'log'), { recursive: true });
    const kept = thumb(13);
    const keptHash = (await sha256Hex(nodeHashing, kept)) as BlobHash;
    const gone = thumb(14);
    const goneHash = (await sha256Hex(nodeHashing, gone)) as BlobHash;
    await writeFile(
      join(root, 'log', '4194305-old.log'),
      Buffer.concat([
        logRecordHeader(keptHash, kept.length),
        kept,
        logRecordHeader(goneHash, gone.length),
        gone,
        logRecordHeader(goneHash, 0xffffffff),
      ]),
    );
    const store = createFsBlobStore({ root });
    await store.start();
    expect(await readAll(store, keptHash)).toEqual(kept);
    expect(await store.has(goneHash)).toBe(false);
    expect(await readdir(join(root, 'log'))).toEqual([]);
    await store.stop();
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
      expect(await readdir(packDir(root))).toEqual([]);
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
    let packed = 0;
    for await (const h of store.list()) {
      held.add(h);
      if (!existsSync(store.pathOf(h))) packed++;
      expect(await sha256Hex(nodeHashing, await readAll(store, h))).toBe(h);
    }
    for (const h of acked) expect(held.has(h)).toBe(true); // every put that resolved is kept
    expect(held.size).toBeGreaterThanOrEqual(acked.length);
    expect(packed).toBeGreaterThan(acked.length / 2); // most were small: packed
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    // The dead writer's packs are sealed: each has its index now.
    const names = await readdir(packDir(root));
    expect(names.filter((n) => n.endsWith('.idx')).length).toBe(
      names.filter((n) => n.endsWith('.pack')).length,
    );
    await store.stop();
    await rm(root, { recursive: true, force: true });
  }, 60_000);
});

async function toArray<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
