/**
 * Group commit for small blobs on the filesystem store: a write-ahead log.
 *
 * Two fsyncs per blob (the file before its rename, the directory after) cost 4–8 ms each
 * on this disk, which capped thumbnails at ~1,100/s. Instead a small blob's bytes are
 * appended to a log, and every append waiting at that moment shares one `datasync`. Only
 * then is the blob's file published (renamed into place, neither fsynced): a crash before
 * that leaves no blob; a crash after it leaves a log record that a restart replays. Replay
 * re-hashes each logged blob's file and rewrites (durably) any that is missing or torn.
 * Once the log is big (or the store idle or stopping) a checkpoint makes the published
 * files durable (one `syncfs`) and starts a new log.
 *
 * Record: magic `HBL1`, u32 length (0xffffffff: a tombstone, "deleted since"), the
 * 32-byte SHA-256, then the bytes. A record that is torn or does not hash to its hash ends
 * the log (only the tail can be torn: a failed append is cut off before the next one).
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobHash } from '../ids.ts';

const MAGIC = 0x48424c31;
const TOMBSTONE = 0xffffffff;
const HEADER = 40;
const MAX_BATCH = 256;

/** Publishes a logged blob once its record is durable; returns the published file (undefined: already held). */
export type Publish = () => Promise<string | undefined>;

/** One process's log of small blobs (see the file comment). */
export interface SmallBlobLog {
  /**
   * Appends a verified blob, waits until the record is durable (shared with every append
   * waiting at the time), then runs `publish`; resolves with its result.
   */
  append(hash: BlobHash, bytes: Uint8Array, publish: Publish): Promise<boolean>;
  /** Notes that a logged blob was deleted, so a replay does not bring it back (only blobs of the current log need it). */
  forget(hash: BlobHash): Promise<void>;
  /** Makes every file published so far durable and empties the log. */
  checkpoint(): Promise<void>;
  /** Checkpoints and removes the log. */
  close(): Promise<void>;
}

/** Options of the log. */
export interface SmallBlobLogOptions {
  /** The log directory (shared by the processes using the store). */
  dir: string;
  /** A checkpoint starts once the log holds this many bytes (default 32 MiB). */
  checkpointBytes?: number;
  /** … or this long after the last append (default 2 s). */
  idleMs?: number;
  /** Reports a background checkpoint's failure (the log is then kept: nothing is lost). */
  onError?: (e: unknown) => void;
}

/** Logs held open by this process: never replayed, even by another store instance here. */
const openLogs = new Set<string>();

interface Generation {
  path: string;
  fh: FileHandle;
  /** Where the next record starts: a failed append is cut back to it. */
  end: number;
  hashes: Set<string>;
  files: string[];
  /** Appends whose publish has not finished. */
  running: Set<Promise<unknown>>;
}

interface Waiting {
  hash: BlobHash;
  /** Undefined: a tombstone. */
  bytes: Uint8Array | undefined;
  publish: Publish | undefined;
  resolve: (published: Promise<string | undefined>) => void;
  reject: (e: unknown) => void;
}

export function createSmallBlobLog(options: SmallBlobLogOptions): SmallBlobLog {
  const { dir } = options;
  const limit = options.checkpointBytes ?? 32 << 20;
  const idleMs = options.idleMs ?? 2000;
  let gen: Promise<Generation> | undefined;
  const queue: Waiting[] = [];
  let flushing: Promise<void> | undefined;
  let checkpointing: Promise<void> | undefined;
  let idle: ReturnType<typeof setTimeout> | undefined;

  async function newGeneration(): Promise<Generation> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${process.pid}-${randomUUID()}.log`);
    openLogs.add(path);
    const fh = await open(path, 'a', 0o600);
    await fsyncDir(dir); // the log itself must survive a crash
    return { path, fh, end: 0, hashes: new Set(), files: [], running: new Set() };
  }

  /** Writes what is queued with one datasync; appends arriving meanwhile wait for the next. */
  function flush(): Promise<void> {
    flushing ??= (async () => {
      while (queue.length) {
        // Bounded, so one writev stays within the system's iovec limit (IOV_MAX 1024).
        const batch = queue.splice(0, MAX_BATCH);
        let g: Generation;
        try {
          g = await (gen ??= newGeneration());
        } catch (e) {
          gen = undefined; // e.g. a full disk: the next batch tries again
          for (const w of batch) w.reject(e);
          continue;
        }
        const parts: Uint8Array[] = [];
        for (const w of batch) {
          parts.push(header(w.hash, w.bytes?.length ?? TOMBSTONE));
          if (w.bytes) parts.push(w.bytes);
        }
        const size = parts.reduce((s, p) => s + p.length, 0);
        try {
          await writeAll(g.fh, parts);
          await g.fh.datasync();
        } catch (e) {
          // Cut the failed batch off, so the records after it are readable (else the log is done).
          await g.fh.truncate(g.end).catch(() => retire(g));
          for (const w of batch) w.reject(e);
          continue;
        }
        g.end += size;
        // Publishing is registered with the log here, before anything else runs, so a
        // checkpoint of this log waits for every file its records describe.
        for (const w of batch) {
          if (!w.publish) {
            g.hashes.delete(w.hash);
            w.resolve(Promise.resolve(undefined));
            continue;
          }
          g.hashes.add(w.hash);
          const p = w.publish().then((file) => {
            if (file) g.files.push(file);
            return file;
          });
          g.running.add(p);
          void p.then(
            () => g.running.delete(p),
            () => g.running.delete(p),
          );
          w.resolve(p);
        }
        schedule(g);
      }
    })().finally(() => (flushing = undefined));
    return flushing;
  }

  function retire(g: Generation): void {
    if (gen) void gen.then((cur) => cur === g && (gen = undefined));
  }

  function enqueue(hash: BlobHash, bytes: Uint8Array | undefined, publish?: Publish) {
    return new Promise<string | undefined>((resolve, reject) => {
      queue.push({ hash, bytes, publish, resolve, reject });
      void flush();
    });
  }

  function schedule(g: Generation): void {
    if (g.end >= limit) void background();
    else {
      clearTimeout(idle);
      idle = setTimeout(() => void background(), idleMs);
      idle.unref?.();
    }
  }

  function background(): Promise<void> {
    return checkpoint().catch((e: unknown) => options.onError?.(e));
  }

  async function checkpoint(): Promise<void> {
    clearTimeout(idle);
    checkpointing ??= (async () => {
      const g = await gen;
      if (!g) return;
      gen = undefined; // appends from now on start the next log
      await flushing; // a batch already writing to this log finishes first
      await Promise.allSettled(g.running);
      await makeDurable(g.files);
      await g.fh.close();
      await unlink(g.path);
      openLogs.delete(g.path);
    })().finally(() => (checkpointing = undefined));
    return checkpointing;
  }

  return {
    async append(hash, bytes, publish) {
      const file = await enqueue(hash, bytes, publish);
      return file !== undefined;
    },
    async forget(hash) {
      const g = await gen?.catch(() => undefined);
      if (g?.hashes.has(hash)) await enqueue(hash, undefined);
    },
    checkpoint,
    close: checkpoint,
  };
}

/** A logged blob found on replay; without bytes when it was deleted after it was logged. */
export interface LoggedBlob {
  hash: BlobHash;
  bytes: Uint8Array | undefined;
}

/**
 * Replays the logs of writers that are gone: `restore` gets each blob the log holds (last
 * record wins: a tombstone comes without bytes) and returns the file it verified; those
 * files are made durable, then the log is removed. Logs of live writers are left alone.
 */
export async function replaySmallBlobLogs(
  dir: string,
  isLiveWriter: (pid: number) => boolean,
  restore: (blob: LoggedBlob) => Promise<string | undefined>,
): Promise<{ logs: number; blobs: number }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let logs = 0;
  let blobs = 0;
  for (const name of names.sort()) {
    const path = join(dir, name);
    if (!name.endsWith('.log') || openLogs.has(path) || isLiveWriter(Number(/^(\d+)-/.exec(name)?.[1])))
      continue;
    const held = new Map<string, LoggedBlob>();
    for await (const r of readLog(path)) held.set(r.hash, r);
    const files: string[] = [];
    for (const b of held.values()) {
      const f = await restore(b);
      if (f) files.push(f);
    }
    await makeDurable(files);
    await unlink(path);
    logs++;
    blobs += held.size;
  }
  return { logs, blobs };
}

/** The whole, verified records of a log, in order; stops at the first torn or wrong one. */
async function* readLog(path: string): AsyncIterable<LoggedBlob> {
  const fh = await open(path, 'r');
  try {
    const total = (await fh.stat()).size;
    let at = 0;
    const head = new Uint8Array(HEADER);
    while (at + HEADER <= total) {
      await readExactly(fh, head, at);
      const view = new DataView(head.buffer);
      if (view.getUint32(0) !== MAGIC) return;
      const length = view.getUint32(4);
      const hash = toHex(head.subarray(8)) as BlobHash;
      at += HEADER;
      if (length === TOMBSTONE) {
        yield { hash, bytes: undefined };
        continue;
      }
      if (at + length > total) return;
      const bytes = new Uint8Array(length);
      await readExactly(fh, bytes, at);
      if (createHash('sha256').update(bytes).digest('hex') !== hash) return;
      at += length;
      yield { hash, bytes };
    }
  } finally {
    await fh.close();
  }
}

function header(hash: string, length: number): Uint8Array {
  const h = new Uint8Array(HEADER);
  const view = new DataView(h.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, length);
  for (let i = 0; i < 32; i++) h[8 + i] = parseInt(hash.slice(2 * i, 2 * i + 2), 16);
  return h;
}

function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

async function writeAll(fh: FileHandle, parts: Uint8Array[]): Promise<void> {
  const total = parts.reduce((s, p) => s + p.length, 0);
  let written = (await fh.writev(parts)).bytesWritten;
  if (written === total) return;
  // A short write (rare on regular files): write the rest piece by piece.
  for (const p of parts) {
    if (written >= p.length) {
      written -= p.length;
      continue;
    }
    let off = written;
    written = 0;
    while (off < p.length) off += (await fh.write(p, off, p.length - off)).bytesWritten;
  }
}

async function readExactly(fh: FileHandle, into: Uint8Array, position: number): Promise<void> {
  let got = 0;
  while (got < into.length) {
    const { bytesRead } = await fh.read(into, got, into.length - got, position + got);
    if (bytesRead === 0) throw new Error(`log ended early at ${position + got}`);
    got += bytesRead;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Makes files (and their directory entries) durable: one `syncfs` of the store's
 * filesystem for many files (Linux `sync -f`), else an fsync of each file and directory.
 */
export async function makeDurable(files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  if (files.length > 16 && process.platform === 'linux' && (await syncfs(files[0]!))) return;
  const dirs = new Set(files.map((f) => dirname(f)));
  await eachLimited([...files, ...dirs], 8, async (p) => {
    const fh = await open(p, 'r').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined; // deleted since: nothing to keep
      throw e;
    });
    if (!fh) return;
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

/** syncfs(2) through coreutils' `sync -f` (Node has no binding); false when that is not available. */
function syncfs(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('sync', ['-f', dirname(path)], (err) => resolve(!err));
  });
}

async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i]!);
    }),
  );
}
