/**
 * Replay of the small-blob write-ahead log that earlier versions of the filesystem store
 * wrote (`<root>/log/`), so a store upgraded after a crash loses nothing; small blobs now go
 * to pack files (blob-pack-set.fs.ts), which replaced the log: measured idle, the log made
 * 1,303 puts/s against 3,941 with an fsync per blob (docs/benchmarks.md).
 *
 * A logged blob's file was renamed into place without fsyncs once its record was durable;
 * replay re-hashes each logged blob's file and rewrites (durably) any that is missing or torn.
 *
 * Record: magic `HBL1`, u32 length (0xffffffff: a tombstone, "deleted since"), the
 * 32-byte SHA-256, then the bytes. A record that is torn or does not hash to its hash ends
 * the log (only the tail can be torn: a failed append is cut off before the next one).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobHash } from '../ids.ts';

const MAGIC = 0x48424c31;
const TOMBSTONE = 0xffffffff;
const HEADER = 40;

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
    if (!name.endsWith('.log') || isLiveWriter(Number(/^(\d+)-/.exec(name)?.[1]))) continue;
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

/** A log record's header (length 0xffffffff: a tombstone); tests write legacy logs with it. */
export function logRecordHeader(hash: string, length: number): Uint8Array {
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
