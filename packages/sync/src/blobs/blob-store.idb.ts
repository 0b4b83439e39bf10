/**
 * The browser's BlobStore on IndexedDB (via idb). Blobs are stored as 256 KiB chunk
 * records, written one transaction at a time, so a large video is never held in memory
 * whole. A put writes chunks under a fresh write id and publishes the blob by adding its
 * metadata record in one transaction after the hash checks; `start()` drops the chunks of
 * writes that never published (a closed tab mid-write).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { BlobHash } from '../ids.ts';
import type {
  BlobPutOptions,
  BlobPutResult,
  BlobRange,
  BlobRead,
  BlobStore,
  BlobStoreStats,
} from './blob-store.ts';
import { asChunks, readViaOpen, resolveRange } from './blob-store.ts';
import { BlobHashMismatchError, BlobNotFoundError, BlobRangeError, BlobStoreFullError } from './errors.ts';
import type { Hashing } from './hashing.ts';
import { toHex } from './hashing.ts';
import { wasmHashing } from './hashing.wasm.ts';

interface BlobMeta {
  size: number;
  writeId: string;
  chunkSize: number;
}

interface BlobDb extends DBSchema {
  blobs: { key: string; value: BlobMeta };
  quarantine: { key: string; value: BlobMeta };
  chunks: { key: [string, number]; value: Uint8Array };
  writes: { key: string; value: { startedAt: number } };
}

/** Options of the IndexedDB store. */
export interface IdbBlobStoreOptions {
  /** Database name; one per library on a device. */
  name: string;
  hashing?: Hashing;
  /** Bytes per chunk record (default 256 KiB). */
  chunkSize?: number;
}

export function createIdbBlobStore(options: IdbBlobStoreOptions): BlobStore {
  const hashing = options.hashing ?? wasmHashing;
  const chunkSize = options.chunkSize ?? 256 * 1024;
  let db: IDBPDatabase<BlobDb> | undefined;
  const need = () => {
    if (!db) throw new Error('IndexedDB blob store used before start()');
    return db;
  };
  const chunkRange = (writeId: string) => IDBKeyRange.bound([writeId, 0], [writeId, Number.MAX_SAFE_INTEGER]);
  const isQuota = (e: unknown) => (e as { name?: string })?.name === 'QuotaExceededError';

  async function dropWrite(writeId: string): Promise<void> {
    const tx = need().transaction(['chunks', 'writes'], 'readwrite');
    await Promise.all([
      tx.objectStore('chunks').delete(chunkRange(writeId)),
      tx.objectStore('writes').delete(writeId),
      tx.done,
    ]);
  }

  const store: BlobStore = {
    async start() {
      db = await openDB<BlobDb>(options.name, 1, {
        upgrade(d) {
          d.createObjectStore('blobs');
          d.createObjectStore('quarantine');
          d.createObjectStore('chunks');
          d.createObjectStore('writes');
        },
      });
      for (const id of await db.getAllKeys('writes')) await dropWrite(id);
    },
    stop() {
      db?.close();
      db = undefined;
      return Promise.resolve();
    },
    has: async (hash) => (await need().count('blobs', hash)) > 0,
    size: async (hash) => (await need().get('blobs', hash))?.size,
    async open(hash: BlobHash, range?: BlobRange): Promise<BlobRead> {
      const meta = await need().get('blobs', hash);
      if (!meta) throw new BlobNotFoundError(hash);
      const r = resolveRange(meta.size, range);
      if (!r) throw new BlobRangeError(hash, range?.start ?? 0, range?.end ?? meta.size, meta.size);
      const d = need();
      async function* body() {
        let at = r!.start;
        while (at < r!.end) {
          const i = Math.floor(at / meta!.chunkSize);
          const chunk = await d.get('chunks', [meta!.writeId, i]);
          if (!chunk) throw new BlobNotFoundError(hash);
          const from = at - i * meta!.chunkSize;
          const to = Math.min(chunk.length, r!.end - i * meta!.chunkSize);
          yield chunk.subarray(from, to);
          at += to - from;
        }
      }
      return { size: meta.size, start: r.start, end: r.end, body: body() };
    },
    read: (hash, start, length) => readViaOpen(store, hash, start, length),
    async put(input, opts: BlobPutOptions = {}): Promise<BlobPutResult> {
      const d = need();
      const writeId = crypto.randomUUID();
      await d.put('writes', { startedAt: Date.now() }, writeId);
      const h = await hashing.sha256();
      let size = 0;
      let index = 0;
      const buf = new Uint8Array(chunkSize);
      let fill = 0;
      // IndexedDB clones the record when `put` is called, so a full buffer is handed over as is
      // and refilled (one chunk in memory, no copy of our own); a short last chunk is trimmed.
      const flush = async () => {
        await d.put('chunks', fill === chunkSize ? buf : buf.slice(0, fill), [writeId, index++]);
        fill = 0;
      };
      try {
        for await (const c of asChunks(input)) {
          opts.signal?.throwIfAborted();
          h.update(c);
          size += c.length;
          let off = 0;
          while (off < c.length) {
            const n = Math.min(chunkSize - fill, c.length - off);
            buf.set(c.subarray(off, off + n), fill);
            fill += n;
            off += n;
            if (fill === chunkSize) await flush();
          }
        }
        if (fill > 0) await flush();
        const hash = toHex(h.digest()) as BlobHash;
        if (opts.expected && opts.expected !== hash)
          throw new BlobHashMismatchError(opts.expected, hash, `IndexedDB blob store ${options.name}`);
        const tx = d.transaction(['blobs', 'writes', 'chunks'], 'readwrite');
        const exists = (await tx.objectStore('blobs').count(hash)) > 0;
        if (exists) await tx.objectStore('chunks').delete(chunkRange(writeId));
        else await tx.objectStore('blobs').put({ size, writeId, chunkSize }, hash);
        await tx.objectStore('writes').delete(writeId);
        await tx.done;
        return { hash, size, created: !exists };
      } catch (e) {
        await dropWrite(writeId).catch(() => undefined);
        if (isQuota(e)) throw new BlobStoreFullError(`IndexedDB ${options.name}`, { cause: e });
        throw e;
      }
    },
    async delete(hash) {
      const tx = need().transaction(['blobs', 'chunks'], 'readwrite');
      const meta = await tx.objectStore('blobs').get(hash);
      if (meta) {
        await tx.objectStore('blobs').delete(hash);
        await tx.objectStore('chunks').delete(chunkRange(meta.writeId));
      }
      await tx.done;
      return meta !== undefined;
    },
    async quarantine(hash) {
      const tx = need().transaction(['blobs', 'quarantine'], 'readwrite');
      const meta = await tx.objectStore('blobs').get(hash);
      if (meta) {
        await tx.objectStore('blobs').delete(hash);
        await tx.objectStore('quarantine').put(meta, `${hash}.${Date.now()}`);
      }
      await tx.done;
      return meta !== undefined;
    },
    async *list() {
      for (const k of await need().getAllKeys('blobs')) yield k as BlobHash;
    },
    async stats(): Promise<BlobStoreStats> {
      let count = 0;
      let bytes = 0;
      for (const m of await need().getAll('blobs')) {
        count++;
        bytes += m.size;
      }
      return { count, bytes };
    },
  };
  return store;
}
