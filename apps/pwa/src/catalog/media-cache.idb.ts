/**
 * MediaCache in IndexedDB (one record per asset and kind), and beside it under
 * `<asset>/<kind>#` the hash of the blob those bytes are.
 *
 * Small media (thumbnails: a few KB) are stored as their bytes in the record; larger ones as
 * a Blob. Chromium keeps every stored Blob in a file of its own, which for 2,000 thumbnails
 * cost more than fetching them (bench/pwa-blob); values over 64 KiB it moves to a file
 * anyway. Writes are group-committed (`idb-group-writer.ts`).
 */
import type { MediaKind } from '../library/library-client.ts';
import { LibraryStorageError } from '../library/library-errors.ts';
import { openStores } from '../library/open-stores.idb.ts';
import { blobOf, bytesOf } from './blob-bytes.ts';
import { createGroupWriter, type StoreWrite } from './idb-group-writer.ts';
import type { MediaCache } from './media-cache.ts';

const KINDS: readonly MediaKind[] = ['thumbnail', 'preview', 'original', 'motion'];

/** Up to this many bytes, media are stored inline (Chromium's threshold for moving a value to a file). */
export const INLINE_MAX = 64 * 1024;

/** A small medium's record: its bytes and their type. */
interface Inline {
  bytes: ArrayBuffer;
  type: string;
}

const isInline = (v: unknown): v is Inline =>
  typeof v === 'object' && v !== null && (v as Inline).bytes instanceof ArrayBuffer;

/** What a stored value is as a Blob (records of older versions are Blobs themselves). */
function asBlob(v: unknown): Blob | undefined {
  if (v instanceof Blob) return v;
  return isInline(v) ? blobOf(v.bytes, v.type) : undefined;
}

const sizeOf = (v: unknown) => (v instanceof Blob ? v.size : isInline(v) ? v.bytes.byteLength : undefined);

export async function openIdbMediaCache(dbName: string): Promise<MediaCache> {
  const db = await openStores(dbName, 1, ['media'], `the media cache ${dbName}`);
  const writer = createGroupWriter(db, 'media');
  const keysOf = (asset: string, kinds: readonly MediaKind[]) =>
    kinds.flatMap((k) => [`${asset}/${k}`, `${asset}/${k}#`]);
  const deleting =
    (keys: string[]): StoreWrite =>
    (s) => {
      for (const k of keys) s.delete(k);
    };

  return {
    async get(asset, kind) {
      return asBlob(await db.get('media', `${asset}/${kind}`));
    },
    async put(asset, kind, bytes, hash) {
      const key = `${asset}/${kind}`;
      // The bytes are read before the transaction opens (it would commit while waiting).
      const value =
        bytes.size <= INLINE_MAX ? bytesOf(bytes).then((b) => ({ bytes: b, type: bytes.type })) : bytes;
      const write = Promise.resolve(value).then((v): StoreWrite => (s) => {
        s.put(v, key);
        if (hash === undefined) s.delete(`${key}#`);
        else s.put(hash, `${key}#`);
      });
      try {
        await writer.write(write);
      } catch (e) {
        throw new LibraryStorageError(`store the ${kind} of ${asset.slice(0, 12)}…`, e);
      }
    },
    async hashOf(asset, kind) {
      const h: unknown = await db.get('media', `${asset}/${kind}#`);
      return typeof h === 'string' ? h : undefined;
    },
    delete: (asset) => writer.write(deleting(keysOf(asset, KINDS))),
    remove: (asset, kind) => writer.write(deleting(keysOf(asset, [kind]))),
    async held(kind) {
      // Keys first (strings only); then one read per match — a Blob read is a handle, not bytes.
      const suffix = `/${kind}`;
      const keys = (await db.getAllKeys('media')).filter(
        (k): k is string => typeof k === 'string' && k.endsWith(suffix),
      );
      const out: { asset: string; size: number }[] = [];
      for (const k of keys) {
        const size = sizeOf(await db.get('media', k));
        if (size) out.push({ asset: k.slice(0, -suffix.length), size });
      }
      return out;
    },
    close: () => db.close(),
  };
}
