/**
 * Reads of packed blobs asked in the same turn that lie close together in one pack become one
 * positioned read, each blob getting its view of the bytes. A `smalls` answer reads up to 64
 * thumbnails at once, and thumbnails fetched or imported together were appended together: one
 * `FileHandle.read` per thumbnail (a promise, a thread-pool request and its wake-up each) was
 * the sender's largest own cost on thumbnails (docs/benchmarks.md#blob-throughput).
 */
import type { FileHandle } from 'node:fs/promises';

/** Reads `length` bytes at `position`; undefined when the file ends first. */
export type PackRangeRead = (
  fh: FileHandle,
  position: number,
  length: number,
) => Promise<Uint8Array | undefined>;

interface Want {
  position: number;
  length: number;
  resolve: (b: Uint8Array | undefined) => void;
  reject: (e: unknown) => void;
}

/**
 * `maxSpan` bounds one joined read (and so the buffer a kept view can hold alive); ranges at
 * most `maxGap` apart are joined (the record headers between neighbours, or a few bytes of a
 * deleted blob, cost less to read over than another read).
 */
export function createPackReadBatcher(maxSpan = 1024 * 1024, maxGap = 4096): PackRangeRead {
  const waiting = new Map<FileHandle, Want[]>();

  function flush(fh: FileHandle): void {
    const wants = waiting.get(fh);
    waiting.delete(fh);
    if (!wants) return;
    wants.sort((a, b) => a.position - b.position);
    let group: Want[] = [];
    let start = 0;
    let end = 0;
    for (const w of wants) {
      const wEnd = w.position + w.length;
      if (group.length && w.position <= end + maxGap && Math.max(end, wEnd) - start <= maxSpan) {
        group.push(w);
        end = Math.max(end, wEnd);
        continue;
      }
      if (group.length) void readGroup(fh, group, start, end);
      group = [w];
      start = w.position;
      end = wEnd;
    }
    if (group.length) void readGroup(fh, group, start, end);
  }

  async function readGroup(fh: FileHandle, group: Want[], start: number, end: number): Promise<void> {
    let got: number;
    // Not zero-filled first: every byte handed out is read over (or the read fails).
    const bytes = Buffer.allocUnsafe(end - start);
    try {
      got = await readFully(fh, bytes, start);
    } catch (e) {
      for (const w of group) w.reject(e);
      return;
    }
    for (const w of group) {
      const at = w.position - start;
      w.resolve(
        at + w.length <= got ? new Uint8Array(bytes.buffer, bytes.byteOffset + at, w.length) : undefined,
      );
    }
  }

  return (fh, position, length) =>
    new Promise((resolve, reject) => {
      let wants = waiting.get(fh);
      if (!wants) {
        waiting.set(fh, (wants = []));
        // After the reads queued in this turn's promise jobs (each a continuation of its caller).
        process.nextTick(() => flush(fh));
      }
      wants.push({ position, length, resolve, reject });
    });
}

/** Reads into `bytes` from `position` until it is full or the file ends; the bytes read. */
async function readFully(fh: FileHandle, bytes: Buffer, position: number): Promise<number> {
  let at = 0;
  while (at < bytes.length) {
    const { bytesRead } = await fh.read(bytes, at, bytes.length - at, position + at);
    if (bytesRead === 0) break;
    at += bytesRead;
  }
  return at;
}
