/**
 * Writes a blob's bytes to its temp or partial file, with direct I/O (`O_DIRECT`) where the
 * filesystem takes it. A fetched or streamed blob is written once and not read back soon, and
 * a new file's page-cache writes were the costliest part of storing it: allocating and filling
 * fresh pages, delayed allocation per 4 KiB block, writeback at the fsync and dropping the
 * pages again on delete cost 0.35–2.2 ms of kernel time per MB here (more the busier the
 * machine), where direct writes from a reused buffer cost ~0.1 plus ~0.15 to copy the pieces
 * into it (docs/benchmarks.md#blob-throughput, `npm run bench -- blob-store-write`).
 *
 * Direct I/O wants the buffer, the file offset and the length aligned, so the pieces are copied
 * into aligned staging buffers (whose memory alignment is found by probing the filesystem once
 * per allocation of a few buffers: Node cannot ask for an aligned allocation) and written a
 * stage at a time, one write in flight while the next stage fills. The last, short block is written padded with zeros and
 * the file truncated back. A filesystem without direct I/O (tmpfs, some FUSE) gets positioned
 * `writev` of the pieces as before. Either way `finish` ends with one `fdatasync`.
 */
import { constants } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

/** Appends bytes to one file; `finish` makes them durable. */
export interface BlobFileWriter {
  /** Bytes in the file so far (kept ones and appended ones). */
  readonly size: number;
  /**
   * Appends pieces in call order. The pieces may be reused once the promise resolves; it waits
   * only while earlier writes hold every buffer (backpressure). A failed write rejects this or
   * a later call.
   */
  append(pieces: readonly Uint8Array[]): Promise<void>;
  /** Writes what is left, `fdatasync`s and closes. */
  finish(): Promise<void>;
  /** Closes without syncing (what was written stays for a later resume). */
  abort(): Promise<void>;
}

/** Staging buffers for direct writes on one filesystem, shared by a store's writers. */
export interface DirectIo {
  /** An aligned buffer of `stage` bytes, or undefined when direct I/O does not work here. */
  take(): Promise<Uint8Array | undefined>;
  give(buf: Uint8Array): void;
  /** A direct write was refused after all: writers from now on use the page cache. */
  disable(): void;
  readonly stage: number;
}

/** File offsets and lengths of direct writes are multiples of this (any device's block). */
const BLOCK = 4096;
const STAGE = 1024 * 1024;
/** Idle staging buffers kept for reuse (more are let go). */
const KEEP = 16;
/**
 * Staging buffers made per allocation: one probe aligns them all (a probe is a file created,
 * up to 256 refused writes and an unlink, all on the thread pool while a writer waits for its
 * buffer; one per buffer made the first stage of every fetch in a busy run wait ~0.2 s).
 */
const SLAB = 4;

/**
 * Direct I/O for files in `dir`. Off (`enabled: false`) or on a filesystem that refuses it,
 * every `take` answers undefined and writers fall back to the page cache.
 */
export function createDirectIo(dir: string, enabled = true, stage = STAGE): DirectIo {
  if (stage <= 0 || stage % BLOCK !== 0) throw new RangeError(`stage must be a multiple of ${BLOCK}`);
  const idle: Uint8Array[] = [];
  // No O_DIRECT constant (macOS, Windows): the page cache it is.
  let works = enabled && constants.O_DIRECT !== undefined;
  /** One probe at a time: a burst of writers starting must not each open a probe file. */
  let probing: Promise<unknown> = Promise.resolve();
  /** The offset that aligned the last allocation: allocations of one size usually align alike. */
  let lastOffset = 0;

  /** Memory for `SLAB` stages, cut into stage buffers; the first is returned, the others kept idle. */
  async function allocate(): Promise<Uint8Array | undefined> {
    const ready = idle.pop(); // made by the allocation this one waited for
    if (ready) return ready;
    const probe = join(dir, `${process.pid}-${randomUUID()}.probe`);
    let fh: FileHandle | undefined;
    try {
      fh = await open(
        probe,
        constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT,
        0o600,
      );
      const raw = new Uint8Array(new ArrayBuffer(SLAB * stage + BLOCK));
      // The first offset the kernel accepts is aligned enough for this filesystem and device.
      for (let k = -1; k < BLOCK / 16; k++) {
        const off = k < 0 ? lastOffset : 16 * k;
        if (k >= 0 && off === lastOffset) continue;
        try {
          await fh.write(raw, off, BLOCK, 0);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
          continue;
        }
        lastOffset = off;
        // `stage` is a multiple of BLOCK, so every piece starts aligned too.
        for (let i = SLAB - 1; i > 0; i--) idle.push(raw.subarray(off + i * stage, off + (i + 1) * stage));
        return raw.subarray(off, off + stage);
      }
      works = false;
      return undefined;
    } catch (e) {
      // EINVAL: no O_DIRECT on this filesystem. Anything else (e.g. ENOSPC): not now.
      if ((e as NodeJS.ErrnoException).code === 'EINVAL') works = false;
      return undefined;
    } finally {
      await fh?.close().catch(() => undefined);
      if (fh) await unlink(probe).catch(() => undefined);
    }
  }

  return {
    stage,
    async take() {
      if (!works) return undefined;
      const ready = idle.pop();
      if (ready) return ready;
      const got = probing.then(allocate);
      probing = got;
      return got;
    },
    give(buf) {
      if (idle.length < KEEP) idle.push(buf);
    },
    disable() {
      works = false;
      idle.length = 0;
    },
  };
}

/**
 * Opens a writer on `path` keeping its first `keep` bytes (a resumed partial; 0 for a new
 * file, which `flags` creates). With `direct` it writes through staging buffers when it can.
 */
export async function openBlobFileWriter(
  path: string,
  options: { keep?: number; flags?: string; direct?: DirectIo; handle?: FileHandle },
): Promise<BlobFileWriter> {
  const keep = options.keep ?? 0;
  const first = options.handle ? undefined : await options.direct?.take();
  if (first) {
    const fh = await open(path, directFlags(options.flags ?? 'wx'), 0o600).catch(() => undefined);
    if (fh) return directWriter(path, fh, options.direct!, first, keep);
    options.direct!.give(first);
  }
  const fh = options.handle ?? (await open(path, options.flags ?? 'wx', 0o600));
  return bufferedWriter(fh, keep);
}

function directFlags(flags: string): number {
  const base = flags.startsWith('r+')
    ? constants.O_RDWR
    : constants.O_RDWR | constants.O_CREAT | (flags.startsWith('wx') ? constants.O_EXCL : constants.O_TRUNC);
  return base | constants.O_DIRECT;
}

/** Positioned `writev` of the pieces (no joined copy), each append awaited by its caller. */
function bufferedWriter(fh: FileHandle, keep: number): BlobFileWriter {
  let size = keep;
  return {
    get size() {
      return size;
    },
    async append(pieces) {
      const at = size; // taken before any await: appends may overlap
      for (const p of pieces) size += p.length;
      await writeAllAt(fh, pieces, at);
    },
    async finish() {
      try {
        await fh.datasync();
      } finally {
        await fh.close().catch(() => undefined);
      }
    },
    abort: () => fh.close(),
  };
}

function directWriter(
  path: string,
  fh: FileHandle,
  direct: DirectIo,
  first: Uint8Array,
  keep: number,
): BlobFileWriter {
  let cur = first;
  let spare: Uint8Array | undefined;
  let size = keep;
  /** File offset of `cur[0]` (block-aligned) and bytes in `cur`. */
  let base = keep - (keep % BLOCK);
  let fill = 0;
  let inflight: Promise<unknown> | undefined;
  /** Appends run one after another: a stage switch waits, and the next append must not copy meanwhile. */
  let chain: Promise<void> = Promise.resolve();
  let failed: unknown;
  let ended = false;

  /** The same file through the page cache, once a direct write was refused (EINVAL). */
  let plain: Promise<FileHandle> | undefined;

  /** Writes `length` bytes of `buf` at `at`, directly unless the filesystem refused that. */
  async function writeAt(buf: Uint8Array, length: number, at: number): Promise<void> {
    if (!plain) {
      try {
        return await writeFully(fh, buf, length, at);
      } catch (e) {
        // Alignment is checked before anything is written: the same bytes go the other way.
        if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
        direct.disable();
        plain ??= open(path, 'r+');
      }
    }
    await writeFully(await plain, buf, length, at);
  }

  // A resumed partial that ends inside a block: that block is written again whole, from its start.
  if (keep > base)
    chain = readAt(path, cur, keep - base, base).then(
      () => void (fill = keep - base),
      (e: unknown) => void (failed = e),
    );

  async function flush(): Promise<void> {
    await inflight;
    spare ??= await direct.take();
    if (!spare) throw new Error('direct I/O staging buffer unavailable');
    const full = cur;
    const at = base;
    inflight = writeAt(full, full.length, at);
    inflight.catch(() => undefined); // seen by the next flush or by finish/abort
    base += full.length;
    cur = spare;
    spare = full; // free again once `inflight` settles (awaited before its next use)
    fill = 0;
  }

  async function copyIn(pieces: readonly Uint8Array[]): Promise<void> {
    for (const p of pieces) {
      let off = 0;
      while (off < p.length) {
        const n = Math.min(p.length - off, cur.length - fill);
        cur.set(n === p.length ? p : p.subarray(off, off + n), fill);
        fill += n;
        off += n;
        if (fill === cur.length) await flush();
      }
    }
  }

  let released = false;
  let finishing: Promise<void> | undefined;
  /** Gives the buffers back once (a buffer given twice would be shared by two writers). */
  function release(): void {
    if (released) return;
    released = true;
    direct.give(cur);
    if (spare) direct.give(spare);
  }

  return {
    get size() {
      return size;
    },
    append(pieces) {
      if (ended) return Promise.reject(new Error('blob file writer ended'));
      for (const p of pieces) size += p.length;
      // After a failure nothing more is copied: the file would have a gap.
      const next = chain.then(() => (failed === undefined ? copyIn(pieces) : Promise.reject(failed)));
      chain = next.catch((e: unknown) => void (failed ??= e));
      return next;
    },
    finish() {
      ended = true;
      return (finishing ??= finishNow());
    },
    async abort() {
      ended = true;
      if (finishing) return void (await finishing.catch(() => undefined));
      if (released) return;
      await chain;
      // What was appended stays on disk for a resume (not synced: a resume re-checks it).
      if (failed === undefined) await writeTail().catch(() => undefined);
      await inflight?.catch(() => undefined);
      await closeAll();
      release();
    },
  };

  async function closeAll(): Promise<void> {
    await fh.close().catch(() => undefined);
    await plain?.then((p) => p.close()).catch(() => undefined);
  }

  /** Writes the stage being filled, its last block padded with zeros and then cut off. */
  async function writeTail(): Promise<void> {
    await inflight;
    if (fill === 0) return;
    const padded = Math.ceil(fill / BLOCK) * BLOCK;
    cur.fill(0, fill, padded);
    await writeAt(cur, padded, base);
    if (padded !== fill) await fh.truncate(base + fill);
  }

  async function finishNow(): Promise<void> {
    try {
      await chain;
      if (failed !== undefined) throw failed;
      await writeTail();
      await fh.datasync();
    } finally {
      // The kernel may still be reading a buffer: it goes back to the pool only after.
      await inflight?.catch(() => undefined);
      await closeAll();
      release();
    }
  }
}

/** Reads `length` bytes at `at` through the page cache (no alignment needed). */
async function readAt(path: string, into: Uint8Array, length: number, at: number): Promise<void> {
  const fh = await open(path, 'r');
  try {
    let off = 0;
    while (off < length) {
      const { bytesRead } = await fh.read(into, off, length - off, at + off);
      if (bytesRead === 0) throw new Error(`${path} is shorter than the ${at + length} bytes kept`);
      off += bytesRead;
    }
  } finally {
    await fh.close();
  }
}

async function writeFully(fh: FileHandle, buf: Uint8Array, length: number, at: number): Promise<void> {
  let off = 0;
  while (off < length) off += (await fh.write(buf, off, length - off, at + off)).bytesWritten;
}

/** Writes the pieces at `at` with positioned writev, finishing short writes. */
async function writeAllAt(fh: FileHandle, pieces: readonly Uint8Array[], at: number): Promise<void> {
  let rest = pieces.filter((p) => p.length > 0);
  while (rest.length > 0) {
    let { bytesWritten } = await fh.writev(rest, at);
    at += bytesWritten;
    let k = 0;
    while (k < rest.length && bytesWritten >= rest[k]!.length) bytesWritten -= rest[k++]!.length;
    rest = rest.slice(k);
    if (bytesWritten > 0) rest[0] = rest[0]!.subarray(bytesWritten);
  }
}
