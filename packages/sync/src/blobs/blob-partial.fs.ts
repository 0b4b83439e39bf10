/**
 * Resumable writes for the filesystem store: a fetch writes `<root>/partial/<hash>.<pid>`,
 * which survives the process. The next attempt (after a restart, or a peer that failed)
 * claims the file of a dead writer, re-checks its chunks against the manifest from disk —
 * bytes not fsynced before a crash may be missing or wrong — keeps the leading ones that
 * verify and goes on from there. `commit` publishes exactly as `put` does: fsync, whole-blob
 * hash check, rename into place, directory fsync; a blob is absent or whole and verified.
 * With `verifiedByCaller` the whole-blob hash is the caller's running one, which saw every
 * kept and appended chunk in order (one hash pass); otherwise the partial hashes them too.
 */
import { open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobHash } from '../ids.ts';
import type { BlobPutResult, ChunkVerifier, PartialBlob, ResumeOptions } from './blob-store.ts';
import { BlobHashMismatchError, BlobStoreFullError } from './errors.ts';
import { toHex } from './hashing.ts';
import { nodeHashing } from './hashing.node.ts';

/** What the partial writer needs from the store. */
export interface PartialHost {
  root: string;
  partialDir: string;
  /** Moves a verified, fsynced file into place; false when the blob was already there. */
  publish(file: string, hash: BlobHash): Promise<boolean>;
  isLiveWriter(pid: number): boolean;
}

export async function resumePartial(
  host: PartialHost,
  hash: BlobHash,
  chunkSize: number,
  verify: ChunkVerifier,
  options: ResumeOptions = {},
): Promise<PartialBlob> {
  const byCaller = options.verifiedByCaller === true;
  const mine = join(host.partialDir, `${hash}.${process.pid}`);
  // Claim the leftover of a dead writer (a restart); a live one is left alone.
  for (const name of await readdir(host.partialDir).catch(() => [] as string[])) {
    const pid = Number(name.slice(hash.length + 1));
    if (!name.startsWith(hash + '.') || !Number.isSafeInteger(pid) || name === `${hash}.${process.pid}`)
      continue;
    if (host.isLiveWriter(pid)) continue;
    await rename(join(host.partialDir, name), mine).catch(() => undefined);
    break;
  }
  let fh: FileHandle;
  try {
    fh = await open(mine, 'r+');
  } catch {
    fh = await open(mine, 'w+', 0o600);
  }
  const h = byCaller ? undefined : await nodeHashing.sha256();
  let size = 0;
  try {
    const have = (await fh.stat()).size;
    const buf = new Uint8Array(Math.min(chunkSize, have));
    for (let i = 0; size < have; i++) {
      const n = Math.min(chunkSize, have - size);
      const { bytesRead } = await fh.read(buf, 0, n, size);
      const bytes = buf.subarray(0, bytesRead);
      if (bytesRead !== n || !(await verify(i, bytes))) break;
      h?.update(bytes);
      size += n;
    }
    if (size < have) await fh.truncate(size);
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }

  let closed = false;
  const fail = async (e: unknown): Promise<never> => {
    closed = true;
    await fh.close().catch(() => undefined);
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') {
      // A full disk leaves no partial blob behind either.
      await unlink(mine).catch(() => undefined);
      throw new BlobStoreFullError(host.root, { cause: e });
    }
    throw e;
  };

  return {
    get size() {
      return size;
    },
    async append(chunk) {
      if (closed) throw new Error('partial blob closed');
      // The position is taken before any await, so appends may overlap (positioned writes).
      const pieces = chunk instanceof Uint8Array ? [chunk] : chunk;
      const at = size;
      for (const p of pieces) {
        size += p.length;
        h?.update(p);
      }
      try {
        await writeAllAt(fh, pieces, at);
      } catch (e) {
        return fail(e);
      }
    },
    async commit(digest?: Uint8Array): Promise<BlobPutResult> {
      if (closed) throw new Error('partial blob closed');
      if (byCaller && digest?.length !== 32) throw new TypeError("commit needs the caller's digest");
      closed = true;
      try {
        await fh.sync();
        await fh.close();
      } catch (e) {
        return fail(e);
      }
      const got = toHex(h ? h.digest() : digest!) as BlobHash;
      if (got !== hash) {
        await unlink(mine).catch(() => undefined);
        throw new BlobHashMismatchError(hash, got, `blob store ${host.root}`);
      }
      try {
        return { hash, size, created: await host.publish(mine, hash) };
      } catch (e) {
        await unlink(mine).catch(() => undefined);
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC')
          throw new BlobStoreFullError(host.root, { cause: e });
        throw e;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await fh.close().catch(() => undefined);
    },
  };
}

/** Writes the pieces at `at` with positioned writev (no joined copy), finishing short writes. */
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

/** Drops partials of dead writers not touched for `maxAgeMs` (fetches nobody resumed). */
export async function dropStalePartials(host: PartialHost, maxAgeMs: number): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(host.partialDir).catch(() => [] as string[])) {
    const pid = Number(name.slice(name.lastIndexOf('.') + 1));
    if (Number.isSafeInteger(pid) && host.isLiveWriter(pid)) continue;
    const p = join(host.partialDir, name);
    const s = await stat(p).catch(() => undefined);
    if (s && now - s.mtimeMs > maxAgeMs) await unlink(p).catch(() => undefined);
  }
}
