/**
 * Open file handles for serving chunks: a peer fetching a 500 MB blob asks for 500 chunks,
 * and opening, stat-ing and closing the file for each one cost more than reading it. A
 * handle is reused while chunks are asked for and closed when idle or evicted (delete,
 * quarantine). Each read is one positioned read into one buffer, with no stream or copy.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { BlobHash } from '../ids.ts';
import { BlobNotFoundError, BlobRangeError } from './errors.ts';

interface Entry {
  ready: Promise<{ fh: FileHandle; size: number }>;
  users: number;
  lastUse: number;
  evicted: boolean;
}

/** Reads ranges of blob files through a small cache of open handles. */
export interface ReadHandles {
  /** Reads into `into` when given and big enough (a server's reused chunk buffer), else a new buffer. */
  read(
    hash: BlobHash,
    start: number,
    length: number,
    into?: Uint8Array,
  ): Promise<{ size: number; bytes: Uint8Array }>;
  /** A whole small blob with one open (not kept: thumbnails are asked for once), or its size alone above `max`. */
  readWhole(hash: BlobHash, max: number): Promise<{ size: number; bytes?: Uint8Array }>;
  /** Closes the handle of a blob that is being deleted or moved (at once, or when its reads end). */
  evict(hash: BlobHash): void;
  closeAll(): Promise<void>;
}

export function createReadHandles(
  pathOf: (hash: BlobHash) => string,
  options: { max?: number; idleMs?: number } = {},
): ReadHandles {
  const max = options.max ?? 16;
  const idleMs = options.idleMs ?? 2000;
  const entries = new Map<BlobHash, Entry>();
  let sweeper: ReturnType<typeof setInterval> | undefined;

  const closeEntry = (e: Entry) =>
    void e.ready.then(
      ({ fh }) => fh.close(),
      () => undefined,
    );

  function sweep(now: number): void {
    for (const [hash, e] of entries) {
      const excess = entries.size > max;
      if (e.users === 0 && (e.evicted || excess || now - e.lastUse > idleMs)) {
        entries.delete(hash);
        closeEntry(e);
      }
    }
    if (entries.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  }

  /** Opens a blob's file and reads its size (ENOENT is BlobNotFoundError). */
  const openBlobFile = (hash: BlobHash) =>
    open(pathOf(hash), 'r').then(
      async (fh) => ({ fh, size: (await fh.stat()).size }),
      (err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT' ? new BlobNotFoundError(hash) : err;
      },
    );

  /** The blob's entry (opening the file, or taking one just opened, when it has none); counts a user. */
  function acquire(hash: BlobHash, opened?: { fh: FileHandle; size: number }): Entry {
    let e = entries.get(hash);
    if (!e || e.evicted) {
      const ready = opened ? Promise.resolve(opened) : openBlobFile(hash);
      e = { ready, users: 0, lastUse: 0, evicted: false };
      entries.set(hash, e);
      // A failed open is not cached: the next read tries again.
      const failed = e;
      void ready.catch(() => entries.get(hash) === failed && entries.delete(hash));
      if (!sweeper) {
        sweeper = setInterval(() => sweep(performance.now()), idleMs);
        sweeper.unref?.();
      }
    }
    e.users++;
    return e;
  }

  /** Ends a use of an entry: an evicted one is closed by its last user, the cache kept within `max`. */
  function release(hash: BlobHash, e: Entry): void {
    e.users--;
    e.lastUse = performance.now();
    // An evicted handle replaced in the map by a newer one is closed by its last reader.
    if (e.evicted && e.users === 0 && entries.get(hash) !== e) closeEntry(e);
    else if (e.evicted || entries.size > max) sweep(e.lastUse);
  }

  async function read(hash: BlobHash, start: number, length: number, into?: Uint8Array) {
    const e = acquire(hash);
    try {
      const { fh, size } = await e.ready;
      if (!Number.isSafeInteger(start) || start < 0 || start > size)
        throw new BlobRangeError(hash, start, start + length, size);
      const n = Math.min(Math.max(0, length), size - start);
      return { size, bytes: await readFully(fh, hash, start, n, into) };
    } finally {
      release(hash, e);
    }
  }

  return {
    read,
    async readWhole(hash, max) {
      const cached = entries.get(hash);
      if (cached && !cached.evicted) {
        // A handle already open (a blob being served in chunks) saves the open, and a blob
        // above `max` is not read at all.
        const e = acquire(hash);
        try {
          const { fh, size } = await e.ready;
          return size > max ? { size } : { size, bytes: await readFully(fh, hash, 0, size) };
        } finally {
          release(hash, e);
        }
      }
      const opened = await openBlobFile(hash);
      if (opened.size > max) {
        // Too big to send whole, so its chunks are asked for next (after a `smalls` or `meta`
        // answer that gave its size): the file is kept open for them and for those answers,
        // instead of an open, stat and close for each (3 per photo on the sender).
        const raced = entries.get(hash);
        if (raced && !raced.evicted) await opened.fh.close();
        else release(hash, acquire(hash, opened));
        return { size: opened.size };
      }
      try {
        return { size: opened.size, bytes: await readFully(opened.fh, hash, 0, opened.size) };
      } finally {
        await opened.fh.close();
      }
    },
    evict(hash) {
      const e = entries.get(hash);
      if (!e) return;
      e.evicted = true;
      sweep(performance.now());
    },
    async closeAll() {
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
      const all = [...entries.values()];
      entries.clear();
      await Promise.all(all.map((e) => e.ready.then(({ fh }) => fh.close()).catch(() => undefined)));
    },
  };
}

/**
 * Reads `n` bytes at `start` into `into` (when it is big enough) or a new buffer. Not
 * zero-filled first (every byte is read over, or it throws): a zeroed 1 MiB buffer per chunk
 * cost the sender ~0.3 ms/MB more.
 */
async function readFully(
  fh: FileHandle,
  hash: BlobHash,
  start: number,
  n: number,
  into?: Uint8Array,
): Promise<Uint8Array> {
  const bytes = into && into.length >= n ? into : Buffer.allocUnsafe(n);
  let at = 0;
  while (at < n) {
    const { bytesRead } = await fh.read(bytes, at, n - at, start + at);
    if (bytesRead === 0) throw new BlobNotFoundError(hash); // truncated under us
    at += bytesRead;
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, n);
}
