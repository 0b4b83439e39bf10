/** The fs store's "no small blob has a file of its own" marker: packed puts skip a stat, never a copy held loose. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsBlobStore } from './blob-store.fs.ts';
import { readAll } from './blob-store.ts';
import { patternBytes } from './pattern-bytes.ts';
import { sha256Hex } from './hashing.ts';
import { nodeHashing } from './hashing.node.ts';
import type { BlobHash } from '../ids.ts';

const tempRoot = () => mkdtemp(join(tmpdir(), 'hearth-small-loose-'));
const marker = (root: string) => join(root, 'no-small-loose');
const thumb = (seed: number) => patternBytes(30_000, seed);
async function* streamed(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes.subarray(0, 10_000);
  yield bytes.subarray(10_000);
}
async function toArray<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
/** One turn of the event loop: the marker is looked at again after it. */
const nextTurn = () => new Promise((r) => setImmediate(r));

describe('filesystem blob store: small blobs known not to be loose', () => {
  it('a new store gets the marker; a store already holding files of its own does not', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    expect(existsSync(marker(root))).toBe(true);
    await store.stop();
    const old = await tempRoot(); // as an earlier version left it: a blob file, no marker
    await mkdir(join(old, 'sha256', 'ab'), { recursive: true });
    await createFsBlobStore({ root: old }).start();
    expect(existsSync(marker(old))).toBe(false);
    await rm(root, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  });

  it('a small blob given a file of its own (streamed put) drops the marker: put again whole, it is not packed again', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    const loose = await store.put(streamed(thumb(1)));
    expect(existsSync(store.pathOf(loose.hash))).toBe(true);
    expect(existsSync(marker(root))).toBe(false);
    expect(await store.put(thumb(1))).toEqual({ hash: loose.hash, size: 30_000, created: false });
    await store.stop();
    // Not made again on a restart: a small blob is loose.
    const again = createFsBlobStore({ root });
    await again.start();
    expect(existsSync(marker(root))).toBe(false);
    expect((await again.put(thumb(1))).created).toBe(false);
    expect(await again.stats()).toEqual({ count: 1, bytes: 30_000 });
    await again.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('fileOf (a packed blob moved to a file) drops the marker: put again, it is not packed again', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    const r = await store.put(thumb(2));
    await store.fileOf(r.hash);
    expect(existsSync(marker(root))).toBe(false);
    expect((await store.put(thumb(2))).created).toBe(false);
    expect(await store.stats()).toEqual({ count: 1, bytes: 30_000 });
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('another process dropping the marker is seen from the next turn on', async () => {
    const root = await tempRoot();
    const daemon = createFsBlobStore({ root });
    await daemon.start();
    expect((await daemon.put(thumb(3))).created).toBe(true); // trusted the marker until now
    const cli = createFsBlobStore({ root }); // a command beside the daemon: never started
    const loose = await cli.put(streamed(thumb(4)));
    expect(existsSync(marker(root))).toBe(false);
    await nextTurn();
    expect(await daemon.put(thumb(4))).toEqual({ hash: loose.hash, size: 30_000, created: false });
    expect(new Set(await toArray(daemon.list()))).toEqual(
      new Set([loose.hash, await sha256Hex(nodeHashing, thumb(3))]),
    );
    await daemon.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('trusts the marker: a file written behind its back (an older version) is packed again, still listed, counted and deleted as one', async () => {
    const root = await tempRoot();
    const store = createFsBlobStore({ root });
    await store.start();
    const hash = (await sha256Hex(nodeHashing, thumb(5))) as BlobHash;
    await mkdir(dirname(store.pathOf(hash)), { recursive: true });
    await writeFile(store.pathOf(hash), thumb(5));
    expect((await store.put(thumb(5))).created).toBe(true); // no stat asked; before the marker: false
    expect(await toArray(store.list())).toEqual([hash]);
    expect(await store.stats()).toEqual({ count: 1, bytes: 30_000 });
    expect(await readAll(store, hash)).toEqual(thumb(5));
    expect(await store.delete(hash)).toBe(true);
    expect(await store.has(hash)).toBe(false);
    await store.stop();
    await rm(root, { recursive: true, force: true });
  });
});
