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
import type { PartialIndex } from './blob-partial-index.fs.ts';
import { openBlobFileWriter, type BlobFileWriter, type DirectIo } from './blob-file-writer.fs.ts';
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
  /** Direct-I/O staging for appended bytes (blob-file-writer.fs.ts); none: the page cache. */
  direct?: DirectIo;
  /** The partials there are, so a new fetch need not look (blob-partial-index.fs.ts). */
  index: PartialIndex;
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
  let claimed = false;
  for (const name of await host.index.others(hash)) {
    const pid = Number(name.slice(hash.length + 1));
    if (!Number.isSafeInteger(pid) || host.isLiveWriter(pid)) continue;
    host.index.forget(hash, name);
    claimed = await rename(join(host.partialDir, name), mine).then(
      () => true,
      () => false,
    );
    if (claimed) break;
  }
  // Only a file known to be there is opened: a new fetch (nearly all) goes straight to writing.
  const fh: FileHandle | undefined =
    claimed || host.index.ownKept(hash) ? await open(mine, 'r+').catch(() => undefined) : undefined;
  host.index.setOwn(hash, true);
  const h = byCaller ? undefined : await nodeHashing.sha256();
  let size = 0;
  if (fh) {
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
    } finally {
      await fh.close();
    }
  }
  const out: BlobFileWriter = await openBlobFileWriter(mine, {
    keep: size,
    flags: fh ? 'r+' : 'w+',
    ...(host.direct ? { direct: host.direct } : {}),
  });

  let closed = false;
  const fail = async (e: unknown): Promise<never> => {
    closed = true;
    await out.abort().catch(() => undefined);
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') {
      // A full disk leaves no partial blob behind either.
      host.index.setOwn(hash, false);
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
      // Appends may overlap: the writer keeps them in call order.
      const pieces = chunk instanceof Uint8Array ? [chunk] : chunk;
      for (const p of pieces) {
        size += p.length;
        h?.update(p);
      }
      try {
        await out.append(pieces);
      } catch (e) {
        return fail(e);
      }
    },
    async commit(digest?: Uint8Array): Promise<BlobPutResult> {
      if (closed) throw new Error('partial blob closed');
      if (byCaller && digest?.length !== 32) throw new TypeError("commit needs the caller's digest");
      closed = true;
      try {
        await out.finish();
      } catch (e) {
        return fail(e);
      }
      const got = toHex(h ? h.digest() : digest!) as BlobHash;
      if (got !== hash) {
        host.index.setOwn(hash, false);
        await unlink(mine).catch(() => undefined);
        throw new BlobHashMismatchError(hash, got, `blob store ${host.root}`);
      }
      try {
        const created = await host.publish(mine, hash);
        host.index.setOwn(hash, false);
        return { hash, size, created };
      } catch (e) {
        host.index.setOwn(hash, false);
        await unlink(mine).catch(() => undefined);
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC')
          throw new BlobStoreFullError(host.root, { cause: e });
        throw e;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await out.abort().catch(() => undefined);
    },
  };
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
