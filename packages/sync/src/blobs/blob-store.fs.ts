/**
 * The home node's BlobStore: one file per blob at `<root>/sha256/ab/cd/<hash>`.
 * A put writes `<root>/tmp/<random>`, fsyncs, checks the hash, then renames into place
 * (and fsyncs the directory), so a crash leaves either no blob or a whole verified one.
 * Small blobs given whole (thumbnails) go through a write-ahead log instead, so that many
 * at once share one fsync (blob-store-log.fs.ts); `start()` replays the logs of dead writers.
 * `start()` removes temp leftovers of interrupted writes — only those of processes that are
 * gone: a daemon and a CLI import may share one store, and one must not break the other's put.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
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
import { createSmallBlobLog, fsyncDir, replaySmallBlobLogs, type LoggedBlob } from './blob-store-log.fs.ts';
import { BlobHashMismatchError, BlobNotFoundError, BlobRangeError, BlobStoreFullError } from './errors.ts';
import { toHex } from './hashing.ts';
import { nodeHashing } from './hashing.node.ts';

/** Options of the filesystem store. */
export interface FsBlobStoreOptions {
  /** The store's directory (created if missing). */
  root: string;
  /** Opens the temp file; a test seam (e.g. `/dev/full` to provoke a real ENOSPC). */
  openTemp?: (path: string) => Promise<FileHandle>;
  /** Whole blobs up to this size go through the write-ahead log (default 256 KiB; 0: never). */
  logMaxBlob?: number;
  /** The log is checkpointed (its files made durable, the log emptied) at this size (default 32 MiB). */
  logCheckpointBytes?: number;
  /** Reports a failed background checkpoint of the log (nothing is lost: the log is kept). */
  onError?: (e: unknown) => void;
}

/** The filesystem store, plus where a blob lives (tests flip bits in it). */
export interface FsBlobStore extends BlobStore {
  pathOf(hash: BlobHash): string;
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

  async function sizeOf(hash: BlobHash): Promise<number | undefined> {
    try {
      return (await stat(pathOf(hash))).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  const handles = createReadHandles(pathOf);
  /** Fan-out directories known to exist (they are never removed), so most puts skip a mkdir. */
  const made = new Set<string>();

  /**
   * Moves a verified file into place; fsynced before (`durable`), the rename is made
   * durable too. Files of logged blobs are neither: the log record is what survives a crash.
   */
  async function publish(file: string, hash: BlobHash, durable = true): Promise<boolean> {
    if ((await sizeOf(hash)) !== undefined) {
      await unlink(file).catch(() => undefined);
      return false;
    }
    const dir = join(blobsDir, hash.slice(0, 2), hash.slice(2, 4));
    if (!made.has(dir)) await mkdir(dir, { recursive: true });
    try {
      await rename(file, pathOf(hash));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !made.has(dir)) throw e;
      made.delete(dir); // removed behind our back: make it again, once
      await mkdir(dir, { recursive: true });
      await rename(file, pathOf(hash));
    }
    made.add(dir);
    if (durable) await fsyncDir(dir);
    return true;
  }

  const logMax = options.logMaxBlob ?? 256 * 1024;
  const log = createSmallBlobLog({
    ...(options.logCheckpointBytes ? { checkpointBytes: options.logCheckpointBytes } : {}),
    dir: join(root, 'log'),
    ...(options.onError ? { onError: options.onError } : {}),
  });

  /** Writes a temp file without fsync (the log makes the blob durable); ENOSPC typed, nothing left. */
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

  /** A small whole blob: hashed once, its file written, then logged and published with others. */
  async function putLogged(bytes: Uint8Array, opts: BlobPutOptions): Promise<BlobPutResult> {
    opts.signal?.throwIfAborted();
    const hash = createHash('sha256').update(bytes).digest('hex') as BlobHash;
    if (opts.expected && opts.expected !== hash)
      throw new BlobHashMismatchError(opts.expected, hash, `blob store ${root}`);
    const size = bytes.length;
    if ((await sizeOf(hash)) !== undefined) return { hash, size, created: false };
    // The file is written while the log record is made durable, not before: otherwise the
    // puts of a batch move in lockstep (all writing, then all waiting on one datasync).
    const written = writeTemp(bytes, false);
    written.catch(() => undefined); // handled through `publish` below
    try {
      const created = await log.append(hash, bytes, async () =>
        (await publish(await written, hash, false)) ? pathOf(hash) : undefined,
      );
      return { hash, size, created };
    } catch (e) {
      const tmp = await written.catch(() => undefined);
      if (tmp) await unlink(tmp).catch(() => undefined);
      // Logged but not stored (e.g. the disk filled while writing the file): not brought back.
      await log.forget(hash).catch(() => undefined);
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new BlobStoreFullError(root, { cause: e });
      throw e;
    }
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
  const partials: PartialHost = { root, partialDir, publish, isLiveWriter };

  async function* walk(): AsyncIterable<BlobHash> {
    const level = async (d: string) => readdir(d).catch(() => [] as string[]);
    for (const a of (await level(blobsDir)).sort())
      for (const b of (await level(join(blobsDir, a))).sort())
        for (const f of (await level(join(blobsDir, a, b))).sort()) {
          if (/^[0-9a-f]{64}$/.test(f) && f.startsWith(a + b)) yield f as BlobHash;
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
      // Small blobs a dead writer logged: their files may not have reached the disk.
      await replaySmallBlobLogs(join(root, 'log'), isLiveWriter, restore);
    },
    async stop() {
      await log.close();
      await handles.closeAll();
    },
    has: async (hash) => (await sizeOf(hash)) !== undefined,
    size: sizeOf,
    async open(hash: BlobHash, range?: BlobRange): Promise<BlobRead> {
      const size = await sizeOf(asBlobHash(hash));
      if (size === undefined) throw new BlobNotFoundError(hash);
      const r = resolveRange(size, range);
      if (!r) throw new BlobRangeError(hash, range?.start ?? 0, range?.end ?? size, size);
      const body: AsyncIterable<Uint8Array> =
        r.end === r.start
          ? (async function* () {})()
          : createReadStream(pathOf(hash), { start: r.start, end: r.end - 1, highWaterMark: READ_CHUNK });
      return { size, start: r.start, end: r.end, body };
    },
    read: (hash, start, length) => handles.read(asBlobHash(hash), start, length),
    resume: (hash, chunkSize, verify, options) =>
      resumePartial(partials, asBlobHash(hash), chunkSize, verify, options),
    async put(input, opts: BlobPutOptions = {}): Promise<BlobPutResult> {
      if (input instanceof Uint8Array && input.length <= logMax) return putLogged(input, opts);
      const tmp = join(tmpDir, `${process.pid}-${randomUUID()}`);
      const h = await nodeHashing.sha256();
      let size = 0;
      let fh: FileHandle | undefined;
      try {
        fh = await openTemp(tmp);
        for await (const c of asChunks(input)) {
          opts.signal?.throwIfAborted();
          h.update(c);
          size += c.length;
          let off = 0;
          while (off < c.length) off += (await fh.write(c, off, c.length - off)).bytesWritten;
        }
        await fh.sync();
        await fh.close();
        fh = undefined;
        const hash = toHex(h.digest()) as BlobHash;
        if (opts.expected && opts.expected !== hash)
          throw new BlobHashMismatchError(opts.expected, hash, `blob store ${root}`);
        return { hash, size, created: await publish(tmp, hash) };
      } catch (e) {
        await fh?.close().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new BlobStoreFullError(root, { cause: e });
        throw e;
      }
    },
    async delete(hash) {
      handles.evict(hash);
      try {
        await unlink(pathOf(asBlobHash(hash)));
        // After the unlink: a crash between the two brings the blob back whole (from the log).
        await log.forget(asBlobHash(hash));
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
    },
    async quarantine(hash) {
      handles.evict(hash);
      try {
        await rename(pathOf(asBlobHash(hash)), join(quarantineDir, `${hash}.${Date.now()}`));
        await log.forget(asBlobHash(hash));
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
    },
    list: walk,
    async stats(): Promise<BlobStoreStats> {
      let count = 0;
      let bytes = 0;
      for await (const h of walk()) {
        const s = await sizeOf(h);
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
