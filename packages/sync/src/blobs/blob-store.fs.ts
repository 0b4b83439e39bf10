/**
 * The home node's BlobStore: one file per blob at `<root>/sha256/ab/cd/<hash>`.
 * A put writes `<root>/tmp/<random>`, fsyncs, checks the hash, then renames into place
 * (and fsyncs the directory), so a crash leaves either no blob or a whole verified one.
 * Small blobs given whole (thumbnails) go into append-only pack files instead, many at once
 * sharing one write and one datasync (blob-pack-set.fs.ts); they have no file of their own
 * (`fileOf` unpacks one for code that needs a path). Both kinds are read alike.
 * `start()` removes temp leftovers of interrupted writes — only those of processes that are
 * gone: a daemon and a CLI import may share one store, and one must not break the other's put.
 *
 * Split by concern: the directories and start-up housekeeping (blob-store-layout.fs.ts), the
 * rename into place (blob-store-publish.fs.ts), streamed puts (blob-store-put.fs.ts), resumable
 * fetches (blob-partial.fs.ts), small blobs in packs (blob-pack-set.fs.ts), the listing
 * (blob-store-walk.fs.ts), reads of either kind (blob-store-reads.fs.ts); this file assembles them.
 */
import { mkdir, open, readFile, rename, unlink, writeFile, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BlobHash } from '../ids.ts';
import { asBlobHash } from '../ids.ts';
import type { BlobPutOptions, BlobPutResult, BlobStore, BlobStoreStats } from './blob-store.ts';
import { createReadHandles } from './blob-read-handles.fs.ts';
import { createStoreReads } from './blob-store-reads.fs.ts';
import { createPartialIndex } from './blob-partial-index.fs.ts';
import { dropStalePartials, resumePartial, type PartialHost } from './blob-partial.fs.ts';
import { replaySmallBlobLogs, type LoggedBlob } from './blob-store-log.fs.ts';
import { createPackSet, type PackEntry } from './blob-pack-set.fs.ts';
import { createDirectIo } from './blob-file-writer.fs.ts';
import { BlobHashMismatchError, BlobNotFoundError, BlobStoreFullError } from './errors.ts';
import {
  PARTIAL_MAX_AGE_MS,
  dropTempLeftovers,
  isLiveWriter,
  makeStoreDirs,
  storeLayout,
} from './blob-store-layout.fs.ts';
import { createPublisher } from './blob-store-publish.fs.ts';
import { putStream } from './blob-store-put.fs.ts';
import { createManifestFiles } from './blob-manifest-files.fs.ts';
import { walkLoose } from './blob-store-walk.fs.ts';
import { createSmallLooseGuard } from './blob-store-small-loose.fs.ts';

/** Options of the filesystem store. */
export interface FsBlobStoreOptions {
  /** The store's directory (created if missing). */
  root: string;
  /** Opens the temp file; a test seam (e.g. `/dev/full` to provoke a real ENOSPC). */
  openTemp?: (path: string) => Promise<FileHandle>;
  /** Whole blobs up to this size go into pack files (default 256 KiB; 0: never, one file each). */
  packMaxBlob?: number;
  /** A pack file is sealed and a new one begun past this size (default 256 MiB). */
  packMaxBytes?: number;
  /**
   * Write large blobs with direct I/O where the filesystem allows (default true; see
   * blob-file-writer.fs.ts): their bytes skip the page cache. False: page-cache writes.
   */
  directIo?: boolean;
  /**
   * Chunk size of the manifests noted at put time (default 1 MiB, the blob server's default):
   * a server with another chunk size computes its manifests when first asked.
   */
  manifestChunk?: number;
}

/** The filesystem store, plus where a blob lives (tests flip bits in it). */
export interface FsBlobStore extends BlobStore {
  /** Where a blob's own file is; a packed blob (≤ `packMaxBlob`) has none: see `fileOf`. */
  pathOf(hash: BlobHash): string;
  /**
   * The blob as a file of its own, for code that needs a path (exiftool, hard links): a
   * packed blob is first moved out of its pack (written, fsynced, renamed; then tombstoned).
   * BlobNotFoundError when absent.
   */
  fileOf(hash: BlobHash): Promise<string>;
  readonly root: string;
}

export function createFsBlobStore(options: FsBlobStoreOptions): FsBlobStore {
  const { root } = options;
  const layout = storeLayout(root);
  const { blobsDir, tmpDir, quarantineDir, partialDir, pathOf } = layout;
  const openTemp = options.openTemp ?? ((p: string) => open(p, 'wx', 0o600));
  const publisher = createPublisher(layout, openTemp);
  const { looseSize, writeTemp } = publisher;
  const smallLoose = createSmallLooseGuard(root);
  /** Every file of its own goes through here: a small one first drops the "none loose" marker. */
  const publish: typeof publisher.publish = async (file, hash, durable) => {
    await smallLoose.beforeLoose(statSync(file, { throwIfNoEntry: false })?.size ?? 0);
    return publisher.publish(file, hash, durable);
  };

  const handles = createReadHandles(pathOf);

  const packMax = options.packMaxBlob ?? 256 * 1024;
  const packs = createPackSet({
    dir: layout.packDir,
    ...(options.packMaxBytes ? { maxPackBytes: options.packMaxBytes } : {}),
    ...(options.openTemp ? { openWrite: options.openTemp } : {}),
    isLiveWriter,
  });

  /** A small whole blob: hashed once (it counts only once verified), then packed with others. */
  async function putPacked(bytes: Uint8Array, opts: BlobPutOptions): Promise<BlobPutResult> {
    opts.signal?.throwIfAborted();
    const hash = createHash('sha256').update(bytes).digest('hex') as BlobHash;
    if (opts.expected && opts.expected !== hash)
      throw new BlobHashMismatchError(opts.expected, hash, `blob store ${root}`);
    const size = bytes.length;
    const held =
      packs.lookup(hash) !== undefined ||
      (!smallLoose.noneLoose(size) && (await looseSize(hash)) !== undefined);
    if (held) return { hash, size, created: false };
    try {
      return { hash, size, created: await packs.put(hash, bytes) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new BlobStoreFullError(root, { cause: e });
      throw e;
    }
  }

  /** The bytes of a packed blob (undefined: deleted meanwhile). */
  const readPacked = (entry: PackEntry) => packs.read(entry, 0, entry.size);
  const reads = createStoreReads({ packs, handles, looseSize, pathOf });

  /**
   * Replay: a logged blob's file must be whole; a missing or torn one is written again,
   * durably. A deleted one is not brought back, but a file left for it (a put racing the
   * delete) is kept only if whole.
   */
  async function restore({ hash, bytes }: LoggedBlob): Promise<string | undefined> {
    const path = pathOf(hash);
    const held = await readFile(path).catch(() => undefined);
    if (held && createHash('sha256').update(held).digest('hex') === hash) return path;
    await unlink(path).catch(() => undefined);
    if (bytes) await publish(await writeTemp(bytes, true), hash);
    return undefined; // written durably, or nothing there
  }
  // Only the default temp files: a test's `openTemp` (e.g. /dev/full) must see every write.
  const direct = createDirectIo(tmpDir, options.directIo !== false && !options.openTemp);
  const partials: PartialHost = {
    root,
    partialDir,
    publish,
    isLiveWriter,
    direct,
    index: createPartialIndex(partialDir),
  };
  const manifests = createManifestFiles(layout.manifestDir);
  const putHost = {
    manifests,
    manifestChunk: options.manifestChunk ?? 1024 * 1024,
    root,
    tmpDir,
    publisher: { looseSize, publish, writeTemp },
    direct,
    ...(options.openTemp ? { openTemp } : {}),
  };

  /** Packed blobs first, then those with a file of their own (each once). */
  async function* walk(): AsyncIterable<BlobHash> {
    await packs.refresh(); // commands read the store without `start()`
    const packed = [...packs.entries()].map(([h]) => h).sort();
    for (const h of packed) if (packs.lookup(h)) yield h;
    yield* walkLoose(blobsDir, (h) => packs.lookup(h) !== undefined);
  }

  return {
    root,
    pathOf,
    async start() {
      await makeStoreDirs(layout);
      await smallLoose.start(blobsDir);
      await dropTempLeftovers(tmpDir);
      // Partials are kept for resuming; those nobody came back for in a week are dropped.
      await dropStalePartials(partials, PARTIAL_MAX_AGE_MS);
      await packs.start();
      // Small blobs an earlier version logged before a crash: their files may not have reached the disk.
      await replaySmallBlobLogs(layout.logDir, isLiveWriter, restore);
    },
    async stop() {
      await packs.stop();
      await handles.closeAll();
    },
    has: async (hash) => (await reads.size(hash)) !== undefined,
    size: reads.size,
    open: reads.open,
    read: reads.read,
    readWhole: reads.readWhole,
    manifest: (hash, chunkSize) => manifests.read(asBlobHash(hash), chunkSize),
    keepManifest: (hash, m) => manifests.write(asBlobHash(hash), m),
    resume: (hash, chunkSize, verify, options) =>
      resumePartial(partials, asBlobHash(hash), chunkSize, verify, options),
    async put(input, opts: BlobPutOptions = {}): Promise<BlobPutResult> {
      if (input instanceof Uint8Array && input.length <= packMax) return putPacked(input, opts);
      return putStream(putHost, input, opts);
    },
    async delete(hash) {
      handles.evict(hash);
      await manifests.remove(asBlobHash(hash));
      await packs.refresh();
      const packed = await packs.remove(asBlobHash(hash));
      try {
        await unlink(pathOf(asBlobHash(hash)));
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return packed;
        throw e;
      }
    },
    async quarantine(hash) {
      handles.evict(hash);
      await manifests.remove(asBlobHash(hash));
      const aside = join(quarantineDir, `${hash}.${Date.now()}`);
      const entry = packs.lookup(asBlobHash(hash));
      const bytes = entry && (await readPacked(entry));
      if (bytes) {
        await mkdir(quarantineDir, { recursive: true }); // commands use the store without start()
        await writeFile(aside, bytes, { mode: 0o600 });
        return packs.remove(asBlobHash(hash));
      }
      try {
        await rename(pathOf(asBlobHash(hash)), aside);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
    },
    async fileOf(hash) {
      const at = await reads.locate(asBlobHash(hash));
      if (at === undefined) throw new BlobNotFoundError(hash);
      if (typeof at === 'number') return pathOf(hash);
      const bytes = await readPacked(at);
      if (!bytes) throw new BlobNotFoundError(hash);
      await publish(await writeTemp(bytes, true), asBlobHash(hash));
      await packs.remove(asBlobHash(hash));
      return pathOf(hash);
    },
    list: walk,
    async stats(): Promise<BlobStoreStats> {
      let count = 0;
      let bytes = 0;
      for await (const h of walk()) {
        const s = packs.lookup(h)?.size ?? (await looseSize(h));
        if (s === undefined) continue;
        count++;
        bytes += s;
      }
      return { count, bytes };
    },
  };
}
