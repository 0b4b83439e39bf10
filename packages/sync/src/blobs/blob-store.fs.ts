/**
 * The home node's BlobStore: one file per blob at `<root>/sha256/ab/cd/<hash>`.
 * A put writes `<root>/tmp/<random>`, fsyncs, checks the hash, then renames into place
 * (and fsyncs the directory), so a crash leaves either no blob or a whole verified one.
 * Small blobs given whole (thumbnails) go into append-only pack files instead, many at once
 * sharing one write and one datasync (blob-pack-set.fs.ts); they have no file of their own
 * (`fileOf` unpacks one for code that needs a path). Both kinds are read alike.
 * `start()` removes temp leftovers of interrupted writes — only those of processes that are
 * gone: a daemon and a CLI import may share one store, and one must not break the other's put.
 */
import { createReadStream, statSync } from 'node:fs';
import {
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  unlink,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import type { BlobHash } from '../ids.ts';
import { asBlobHash } from '../ids.ts';
import type {
  BlobPutOptions,
  BlobPutResult,
  BlobRange,
  BlobRead,
  BlobStore,
  BlobStoreStats,
} from './blob-store.ts';
import { asChunks, resolveRange } from './blob-store.ts';
import { createReadHandles } from './blob-read-handles.fs.ts';
import { dropStalePartials, resumePartial, type PartialHost } from './blob-partial.fs.ts';
import { fsyncDir, replaySmallBlobLogs, type LoggedBlob } from './blob-store-log.fs.ts';
import { createPackSet, type PackEntry } from './blob-pack-set.fs.ts';
import { createDirectIo, openBlobFileWriter, type BlobFileWriter } from './blob-file-writer.fs.ts';
import { BlobHashMismatchError, BlobNotFoundError, BlobRangeError, BlobStoreFullError } from './errors.ts';
import { toHex } from './hashing.ts';
import { nodeHashing } from './hashing.node.ts';

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

const READ_CHUNK = 1024 * 1024;

export function createFsBlobStore(options: FsBlobStoreOptions): FsBlobStore {
  const { root } = options;
  const blobsDir = join(root, 'sha256');
  const tmpDir = join(root, 'tmp');
  const quarantineDir = join(root, 'quarantine');
  const partialDir = join(root, 'partial');
  const openTemp = options.openTemp ?? ((p: string) => open(p, 'wx', 0o600));
  const pathOf = (hash: BlobHash) => join(blobsDir, hash.slice(0, 2), hash.slice(2, 4), hash);

  /**
   * A blob file's size. Synchronous on purpose: every fetch of a new blob asks (has, then
   * put), and a local stat costs microseconds where the promise's round trip through the
   * thread pool cost ~50 µs of main-thread time under load (10% of a receiver's profile).
   */
  async function looseSize(hash: BlobHash): Promise<number | undefined> {
    return Promise.resolve(statSync(pathOf(hash), { throwIfNoEntry: false })?.size);
  }

  /** Where a blob is: packed (an entry) or its own file (a size); a miss looks for packs other processes wrote. */
  async function locate(hash: BlobHash): Promise<PackEntry | number | undefined> {
    const packed = packs.lookup(hash);
    if (packed) return packed;
    const size = await looseSize(hash);
    if (size !== undefined) return size;
    await packs.refresh();
    return packs.lookup(hash);
  }

  async function sizeOf(hash: BlobHash): Promise<number | undefined> {
    const at = await locate(hash);
    return typeof at === 'object' ? at.size : at;
  }

  const handles = createReadHandles(pathOf);
  /** Fan-out directories known to exist (they are never removed), so most puts skip a mkdir. */
  const made = new Set<string>();

  /** Moves a verified, fsynced file into place and makes the rename durable. */
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

  const packMax = options.packMaxBlob ?? 256 * 1024;
  const packs = createPackSet({
    dir: join(root, 'pack'),
    ...(options.packMaxBytes ? { maxPackBytes: options.packMaxBytes } : {}),
    ...(options.openTemp ? { openWrite: options.openTemp } : {}),
    isLiveWriter,
  });

  /** Writes a temp file (fsynced when `durable`); ENOSPC typed, nothing left. */
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

  /** A small whole blob: hashed once (it counts only once verified), then packed with others. */
  async function putPacked(bytes: Uint8Array, opts: BlobPutOptions): Promise<BlobPutResult> {
    opts.signal?.throwIfAborted();
    const hash = createHash('sha256').update(bytes).digest('hex') as BlobHash;
    if (opts.expected && opts.expected !== hash)
      throw new BlobHashMismatchError(opts.expected, hash, `blob store ${root}`);
    const size = bytes.length;
    if (packs.lookup(hash) || (await looseSize(hash)) !== undefined) return { hash, size, created: false };
    try {
      return { hash, size, created: await packs.put(hash, bytes) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new BlobStoreFullError(root, { cause: e });
      throw e;
    }
  }

  /** The bytes of a packed blob (undefined: deleted meanwhile). */
  async function readPacked(
    entry: PackEntry,
    start = 0,
    length = entry.size,
  ): Promise<Uint8Array | undefined> {
    return packs.read(entry, start, length);
  }

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
  const partials: PartialHost = { root, partialDir, publish, isLiveWriter, direct };

  /** Packed blobs first, then those with a file of their own (each once). */
  async function* walk(): AsyncIterable<BlobHash> {
    await packs.refresh(); // commands read the store without `start()`
    const packed = [...packs.entries()].map(([h]) => h).sort();
    for (const h of packed) if (packs.lookup(h)) yield h;
    yield* walkLoose();
  }

  async function* walkLoose(): AsyncIterable<BlobHash> {
    const level = async (d: string) => readdir(d).catch(() => [] as string[]);
    for (const a of (await level(blobsDir)).sort())
      for (const b of (await level(join(blobsDir, a))).sort())
        for (const f of (await level(join(blobsDir, a, b))).sort()) {
          if (/^[0-9a-f]{64}$/.test(f) && f.startsWith(a + b) && !packs.lookup(f as BlobHash))
            yield f as BlobHash;
        }
  }

  return {
    root,
    pathOf,
    async start() {
      await mkdir(blobsDir, { recursive: true });
      await mkdir(quarantineDir, { recursive: true });
      await mkdir(tmpDir, { recursive: true });
      await mkdir(partialDir, { recursive: true });
      // Leftovers of dead writers are interrupted writes: never visible as blobs, safe to drop.
      for (const name of await readdir(tmpDir)) {
        if (!isLiveWriter(Number(/^(\d+)-/.exec(name)?.[1])))
          await rm(join(tmpDir, name), { recursive: true, force: true });
      }
      // Partials are kept for resuming; those nobody came back for in a week are dropped.
      await dropStalePartials(partials, PARTIAL_MAX_AGE_MS);
      await packs.start();
      // Small blobs an earlier version logged before a crash: their files may not have reached the disk.
      await replaySmallBlobLogs(join(root, 'log'), isLiveWriter, restore);
    },
    async stop() {
      await packs.stop();
      await handles.closeAll();
    },
    has: async (hash) => (await sizeOf(hash)) !== undefined,
    size: sizeOf,
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
        const bytes = await readPacked(at, start, length);
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
        const bytes = await readPacked(again, Math.min(start, again.size), length);
        if (!bytes) throw e;
        if (start > again.size) throw new BlobRangeError(hash, start, start + length, again.size);
        return { size: again.size, bytes };
      }
    },
    async readWhole(hash, max) {
      const whole = async (e: PackEntry) => {
        if (e.size > max) return { size: e.size };
        const bytes = await readPacked(e);
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
    resume: (hash, chunkSize, verify, options) =>
      resumePartial(partials, asBlobHash(hash), chunkSize, verify, options),
    async put(input, opts: BlobPutOptions = {}): Promise<BlobPutResult> {
      if (input instanceof Uint8Array && input.length <= packMax) return putPacked(input, opts);
      const tmp = join(tmpDir, `${process.pid}-${randomUUID()}`);
      const h = await nodeHashing.sha256();
      let size = 0;
      let out: BlobFileWriter | undefined;
      try {
        out = await openBlobFileWriter(
          tmp,
          options.openTemp ? { handle: await openTemp(tmp) } : { flags: 'wx', direct },
        );
        for await (const c of asChunks(input)) {
          opts.signal?.throwIfAborted();
          h.update(c);
          size += c.length;
          await out.append([c]);
        }
        const done = out;
        out = undefined;
        await done.finish(); // one fdatasync; closed either way
        const hash = toHex(h.digest()) as BlobHash;
        if (opts.expected && opts.expected !== hash)
          throw new BlobHashMismatchError(opts.expected, hash, `blob store ${root}`);
        return { hash, size, created: await publish(tmp, hash) };
      } catch (e) {
        await out?.abort().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new BlobStoreFullError(root, { cause: e });
        throw e;
      }
    },
    async delete(hash) {
      handles.evict(hash);
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
      const at = await locate(asBlobHash(hash));
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

const PARTIAL_MAX_AGE_MS = 7 * 24 * 3600_000;

/** Temp files and logs are named `<pid>-<uuid>`, partials `<hash>.<pid>`; a writer is live while its process exists. */
function isLiveWriter(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false; // this process is starting: none of its puts are running yet
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
