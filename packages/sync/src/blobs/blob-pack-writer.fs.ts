/**
 * The group commit of the filesystem store's pack files (blob-pack-set.fs.ts): records
 * appended by this process go to a pack of its own, every record waiting at the moment in
 * one `writev` and one `datasync`, and count (through `written`) only after that. A pack is
 * handed back (`retired`) when it is full, when a write failed (its torn tail cut off), or
 * on `close`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobHash } from '../ids.ts';
import { fsyncDir } from './blob-store-log.fs.ts';
import { HEADER, KIND_BLOB, KIND_TOMBSTONE, recordHeader, type PackRecord } from './blob-pack.fs.ts';

/** What the writer tells the pack set. */
export interface PackWriterHost {
  dir: string;
  maxPackBytes: number;
  /** Opens a new pack (default: create, exclusive). A seam wrapping `write` (fault injection) gets joined writes. */
  openWrite?: (path: string) => Promise<FileHandle>;
  /** A pack of this process was begun. */
  begun(name: string, path: string): void;
  /** `records` are durable; the pack now ends at `end`. */
  written(name: string, records: readonly PackRecord[], end: number): void;
  /** This process stopped writing the pack (it ends at `end`, holding `records`). */
  retired(name: string, end: number, records: readonly PackRecord[]): Promise<void>;
}

/** Appends records, many per datasync. */
export interface PackWriter {
  /** Resolves once the record is durable (and `written` has run). */
  append(
    hash: BlobHash,
    kind: number,
    body: Uint8Array,
    target?: { pack: string; offset: number },
  ): Promise<void>;
  /** Writes what is queued and retires the current pack. */
  close(): Promise<void>;
}

interface Waiting {
  hash: BlobHash;
  kind: number;
  body: Uint8Array;
  target: { pack: string; offset: number } | undefined;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Active {
  name: string;
  path: string;
  fh: FileHandle;
  end: number;
  records: PackRecord[];
}

/** Packs a writer of this process appends to: never sealed or scanned as a dead writer's. */
const writing = new Set<string>();
/** True while a pack store instance of this process appends to `path`. */
export const isWriting = (path: string): boolean => writing.has(path);

/** 256 records: 512 iovecs, within the system's limit (IOV_MAX 1024). */
const MAX_BATCH = 256;

export function createPackWriter(host: PackWriterHost): PackWriter {
  const seam = host.openWrite !== undefined;
  const openWrite = host.openWrite ?? ((p: string) => open(p, 'wx', 0o600));
  let active: Promise<Active> | undefined;
  const queue: Waiting[] = [];
  let flushing: Promise<void> | undefined;
  let starting = false;

  async function begin(): Promise<Active> {
    const name = `${process.pid}-${randomUUID()}.pack`;
    const path = join(host.dir, name);
    await mkdir(host.dir, { recursive: true });
    const fh = await openWrite(path);
    writing.add(path);
    try {
      await fsyncDir(host.dir); // the pack itself must survive a crash
    } catch (e) {
      await fh.close().catch(() => undefined);
      writing.delete(path);
      throw e;
    }
    host.begun(name, path);
    return { name, path, fh, end: 0, records: [] };
  }

  async function retire(w: Active): Promise<void> {
    await w.fh.close().catch(() => undefined);
    writing.delete(w.path);
    await host.retired(w.name, w.end, w.records);
  }

  /** Writes what is queued, a batch at a time; records arriving meanwhile wait for the next. */
  function flush(): Promise<void> {
    flushing ??= (async () => {
      while (queue.length) {
        const batch = queue.splice(0, MAX_BATCH);
        let w: Active;
        try {
          w = await (active ??= begin());
        } catch (e) {
          active = undefined; // e.g. a full disk: the next batch tries again
          for (const x of batch) x.reject(e);
          continue;
        }
        const parts: Uint8Array[] = [];
        const records: PackRecord[] = [];
        let at = w.end;
        const heads = new Uint8Array(HEADER * batch.length);
        for (const [i, x] of batch.entries()) {
          const head = heads.subarray(i * HEADER, (i + 1) * HEADER);
          parts.push(recordHeader(x.kind, x.hash, x.body.length, head), x.body);
          records.push(
            x.kind === KIND_BLOB
              ? { kind: KIND_BLOB, hash: x.hash, offset: at, size: x.body.length }
              : { kind: KIND_TOMBSTONE, hash: x.hash, offset: at, target: x.target! },
          );
          at += HEADER + x.body.length;
        }
        try {
          await writeParts(w.fh, parts, at - w.end, seam);
          await w.fh.datasync();
        } catch (e) {
          // What was written may be torn: the pack ends here (a scan stops at a torn record).
          active = undefined;
          await w.fh.truncate(w.end).catch(() => undefined);
          await retire(w).catch(() => undefined);
          for (const x of batch) x.reject(e);
          continue;
        }
        w.end = at;
        w.records.push(...records);
        host.written(w.name, records, at);
        for (const x of batch) x.resolve();
        if (w.end >= host.maxPackBytes) {
          active = undefined;
          await retire(w).catch(() => undefined); // unsealed, it is scanned on the next start
        }
      }
    })().finally(() => (flushing = undefined));
    return flushing;
  }

  return {
    append(hash, kind, body, target) {
      return new Promise<void>((resolve, reject) => {
        queue.push({ hash, kind, body, target, resolve, reject });
        // The first batch starts after this turn of the event loop, so the puts of one answer
        // (a `smalls` frame resolves ~32 fetches at once) share it: started at once, it took
        // the first put alone and the rest waited a second datasync.
        if (!flushing && !starting) {
          starting = true;
          setImmediate(() => {
            starting = false;
            void flush();
          });
        }
      });
    },
    async close() {
      while (starting || flushing) await (flushing ?? new Promise((r) => setImmediate(r)));
      const w = await active?.catch(() => undefined);
      active = undefined;
      if (w) await retire(w);
    },
  };
}

/**
 * Writes a batch at the file's position: one `writev` (no copy into one buffer: that copy
 * was 1% of a receiver's time, and its garbage more), or, behind a test seam that wraps
 * `write` (fault injection), one joined `write`.
 */
async function writeParts(fh: FileHandle, parts: Uint8Array[], total: number, seam: boolean): Promise<void> {
  let written = 0;
  if (seam) {
    const buf = Buffer.concat(parts);
    while (written < total) written += (await fh.write(buf, written, total - written)).bytesWritten;
    return;
  }
  written = (await fh.writev(parts)).bytesWritten;
  // A short write (rare on regular files): the rest piece by piece.
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
