/**
 * The last step of every write to the filesystem store: a verified, fsynced file is renamed
 * to `sha256/ab/cd/<hash>` and the rename made durable (directory fsyncs). Also the whole-
 * buffer temp write used by paths that have all the bytes at hand (unpacking, log replay).
 */
import { statSync } from 'node:fs';
import { mkdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BlobHash } from '../ids.ts';
import { fsyncDir } from './blob-store-log.fs.ts';
import { BlobStoreFullError } from './errors.ts';
import type { StoreLayout } from './blob-store-layout.fs.ts';

/** Publishing into one store. */
export interface Publisher {
  /**
   * The size of a blob's own file, if it has one. Synchronous on purpose: every fetch of a new
   * blob asks (has, then put), and a local stat costs microseconds where the promise's round
   * trip through the thread pool cost ~50 µs of main-thread time under load (10% of a
   * receiver's profile).
   */
  looseSize(hash: BlobHash): Promise<number | undefined>;
  /**
   * Moves a verified, fsynced file into place and makes the rename durable (`durable`, the
   * default). False when the blob was already there (the file is removed).
   */
  publish(file: string, hash: BlobHash, durable?: boolean): Promise<boolean>;
  /** Writes a temp file (fsynced when `durable`); ENOSPC typed, nothing left. */
  writeTemp(bytes: Uint8Array, durable: boolean): Promise<string>;
}

export function createPublisher(
  layout: StoreLayout,
  openTemp: (path: string) => Promise<FileHandle>,
): Publisher {
  const { root, blobsDir, tmpDir, pathOf } = layout;
  /** Fan-out directories known to exist (they are never removed), so most puts skip a mkdir. */
  const made = new Set<string>();

  async function looseSize(hash: BlobHash): Promise<number | undefined> {
    return Promise.resolve(statSync(pathOf(hash), { throwIfNoEntry: false })?.size);
  }

  async function publish(file: string, hash: BlobHash, durable = true): Promise<boolean> {
    if ((await looseSize(hash)) !== undefined) {
      await unlink(file).catch(() => undefined);
      return false;
    }
    const fan = join(blobsDir, hash.slice(0, 2));
    const dir = join(fan, hash.slice(2, 4));
    /** The topmost directory this publish had to make, if any. */
    let fresh: string | undefined;
    if (!made.has(dir)) fresh = await mkdir(dir, { recursive: true });
    try {
      await rename(file, pathOf(hash));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !made.has(dir)) throw e;
      made.delete(dir); // removed behind our back: make it again, once
      fresh = await mkdir(dir, { recursive: true });
      await rename(file, pathOf(hash));
    }
    made.add(dir);
    if (!durable) return true;
    // A directory made just now lasts only once its parent is synced too: without that, a
    // crash (ext4 without a journal orders nothing) could lose the new directory and the blob in it.
    const chain = [root, blobsDir, fan, dir];
    const k = fresh === undefined ? chain.length : Math.max(1, chain.indexOf(fresh));
    await Promise.all(chain.slice(k - 1).map(fsyncDir));
    return true;
  }

  async function writeTemp(bytes: Uint8Array, durable: boolean): Promise<string> {
    const tmp = join(tmpDir, `${process.pid}-${randomUUID()}`);
    let fh: FileHandle | undefined;
    try {
      fh = await openTemp(tmp);
      let off = 0;
      while (off < bytes.length) off += (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
      if (durable) await fh.sync();
      await fh.close();
      return tmp;
    } catch (e) {
      await fh?.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new BlobStoreFullError(root, { cause: e });
      throw e;
    }
  }

  return { looseSize, publish, writeTemp };
}
