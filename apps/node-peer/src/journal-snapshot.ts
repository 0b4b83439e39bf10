import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/**
 * Call `onLine` for every complete line of `path` from byte `from` on; returns the offset after
 * the last complete line and the unterminated rest. Reads in 64 KiB chunks: few lines are alive
 * at a time, so little garbage reaches the old generation.
 */
export async function readLines(
  path: string,
  from: number,
  onLine: (line: string) => boolean | void,
  carry = '',
): Promise<{ offset: number; partial: string }> {
  const r = await open(path, 'a+');
  let offset = from;
  let partial = carry;
  try {
    const { size } = await r.stat();
    const buf = Buffer.alloc(Math.min(64 << 10, Math.max(0, size - offset)));
    const decoder = new StringDecoder('utf8');
    while (offset < size) {
      const { bytesRead } = await r.read(buf, 0, Math.min(buf.length, size - offset), offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const lines = (partial + decoder.write(buf.subarray(0, bytesRead))).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line && onLine(line) === false) return { offset, partial: '' };
    }
  } finally {
    await r.close();
  }
  return { offset, partial };
}

/** First line of a snapshot: which prefix of the journal it stands for. */
export interface SnapshotHeader {
  v: 1;
  /** The snapshot holds the state after the journal's first `journalBytes` bytes. */
  journalBytes: number;
  /** The last (up to) 64 of those bytes, base64: a replaced or rewritten journal does not match. */
  tail: string;
}

async function journalTail(journal: string, at: number): Promise<string | undefined> {
  const r = await open(journal, 'r').catch(() => undefined);
  if (!r) return undefined;
  try {
    if ((await r.stat()).size < at) return undefined;
    const n = Math.min(64, at);
    const b = Buffer.alloc(n);
    await r.read(b, 0, n, at - n);
    return b.toString('base64');
  } finally {
    await r.close();
  }
}

/** Whether `h` describes a prefix of `journal` as it is now. */
export async function snapshotMatches(journal: string, h: SnapshotHeader): Promise<boolean> {
  return h.v === 1 && (await journalTail(journal, h.journalBytes)) === h.tail;
}

/**
 * Write a snapshot atomically (temp file, fsync, rename): the header for `journalBytes`, then
 * `lines` (JSON, one per line), written in ~1 MB pieces so a 100k-asset state never becomes
 * one giant string.
 */
export async function writeSnapshot(
  path: string,
  journal: string,
  journalBytes: number,
  lines: Iterable<string>,
): Promise<void> {
  const tail = await journalTail(journal, journalBytes);
  if (tail === undefined) return;
  // A write cut short by a kill leaves its temp file; one writer at a time (the daemon holds
  // the data dir's lock), so any temp file here is such a leftover.
  for (const f of await readdir(dirname(path)))
    if (f.endsWith('.snapshot.tmp')) await unlink(join(dirname(path), f)).catch(() => undefined);
  const header: SnapshotHeader = { v: 1, journalBytes, tail };
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.snapshot.tmp`);
  const fh = await open(tmp, 'w');
  try {
    let piece = JSON.stringify(header) + '\n';
    for (const line of lines) {
      piece += line + '\n';
      if (piece.length > 1 << 20) {
        await fh.write(piece);
        piece = '';
      }
    }
    await fh.write(piece);
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const d = await open(dirname(path), 'r');
  await d.sync().finally(() => d.close());
}
