/**
 * Reads from the filesystem store, where a blob is either packed (small blobs) or a file of
 * its own. A miss in this process's view of the packs rescans them once before answering
 * "not found": another process (a CLI import beside the daemon) may have packed it since.
 */
import { createReadStream } from 'node:fs';
import type { BlobHash } from '../ids.ts';
import { asBlobHash } from '../ids.ts';
import type { BlobRange, BlobRead, BlobStore } from './blob-store.ts';
import { resolveRange } from './blob-store.ts';
import type { ReadHandles } from './blob-read-handles.fs.ts';
import type { PackEntry, PackSet } from './blob-pack-set.fs.ts';
import { BlobNotFoundError, BlobRangeError } from './errors.ts';

const READ_CHUNK = 1024 * 1024;

/** What the reads need from their store. */
export interface ReadHost {
  packs: PackSet;
  handles: ReadHandles;
  looseSize(hash: BlobHash): Promise<number | undefined>;
  pathOf(hash: BlobHash): string;
}

/** The store's read side, plus `locate` for its other operations. */
export type StoreReads = Pick<BlobStore, 'size' | 'open' | 'read'> &
  Required<Pick<BlobStore, 'readWhole'>> & {
    /** Where a blob is: packed (an entry) or its own file (a size). */
    locate(hash: BlobHash): Promise<PackEntry | number | undefined>;
  };

export function createStoreReads({ packs, handles, looseSize, pathOf }: ReadHost): StoreReads {
  async function locate(hash: BlobHash): Promise<PackEntry | number | undefined> {
    const packed = packs.lookup(hash);
    if (packed) return packed;
    const size = await looseSize(hash);
    if (size !== undefined) return size;
    await packs.refresh();
    return packs.lookup(hash);
  }

  return {
    locate,
    async size(hash) {
      const at = await locate(hash);
      return typeof at === 'object' ? at.size : at;
    },
    async open(hash: BlobHash, range?: BlobRange): Promise<BlobRead> {
      const at = await locate(asBlobHash(hash));
      if (at === undefined) throw new BlobNotFoundError(hash);
      const size = typeof at === 'object' ? at.size : at;
      const r = resolveRange(size, range);
      if (!r) throw new BlobRangeError(hash, range?.start ?? 0, range?.end ?? size, size);
      const file = typeof at === 'object' ? packs.location(at) : { path: pathOf(hash), start: 0 };
      const body: AsyncIterable<Uint8Array> =
        r.end === r.start
          ? (async function* () {})()
          : createReadStream(file.path, {
              start: file.start + r.start,
              end: file.start + r.end - 1,
              highWaterMark: READ_CHUNK,
            });
      return { size, start: r.start, end: r.end, body };
    },
    async read(hash, start, length, into) {
      const at = packs.lookup(asBlobHash(hash));
      if (at) {
        if (!Number.isSafeInteger(start) || start < 0 || start > at.size)
          throw new BlobRangeError(hash, start, start + length, at.size);
        const bytes = await packs.read(at, start, length);
        if (bytes) return { size: at.size, bytes };
      }
      try {
        return await handles.read(asBlobHash(hash), start, length, into);
      } catch (e) {
        if (!(e instanceof BlobNotFoundError)) throw e;
        // Perhaps packed by another process since.
        await packs.refresh();
        const again = packs.lookup(asBlobHash(hash));
        if (!again) throw e;
        const bytes = await packs.read(again, Math.min(start, again.size), length);
        if (!bytes) throw e;
        if (start > again.size) throw new BlobRangeError(hash, start, start + length, again.size);
        return { size: again.size, bytes };
      }
    },
    async readWhole(hash, max) {
      const whole = async (e: PackEntry) => {
        if (e.size > max) return { size: e.size };
        const bytes = await packs.read(e, 0, e.size);
        return bytes && { size: e.size, bytes };
      };
      const packed = packs.lookup(asBlobHash(hash));
      const r = packed && (await whole(packed));
      if (r) return r;
      try {
        return await handles.readWhole(asBlobHash(hash), max);
      } catch (e) {
        if (!(e instanceof BlobNotFoundError)) throw e;
        await packs.refresh(); // perhaps packed by another process since
        const again = packs.lookup(asBlobHash(hash));
        const r2 = again && (await whole(again));
        if (!r2) throw e;
        return r2;
      }
    },
  };
}
