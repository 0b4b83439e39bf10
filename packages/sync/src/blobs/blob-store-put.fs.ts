/**
 * A streamed put into the filesystem store: the bytes go to a temp file (direct I/O where the
 * filesystem takes it, blob-file-writer.fs.ts) while being hashed, one `fdatasync`, the hash
 * checked against what the caller expected, then published (renamed into place, directory
 * fsynced). Nothing is visible until it is whole and verified; on failure the temp file goes.
 */
import { unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BlobHash } from '../ids.ts';
import type { BlobPutOptions, BlobPutResult } from './blob-store.ts';
import { asChunks } from './blob-store.ts';
import { openBlobFileWriter, type BlobFileWriter, type DirectIo } from './blob-file-writer.fs.ts';
import { BlobHashMismatchError, BlobStoreFullError } from './errors.ts';
import { toHex } from './hashing.ts';
import { nodeHashing } from './hashing.node.ts';
import type { Publisher } from './blob-store-publish.fs.ts';

/** What a streamed put needs from its store. */
export interface PutHost {
  root: string;
  tmpDir: string;
  publisher: Publisher;
  /** Direct-I/O staging (blob-file-writer.fs.ts). */
  direct: DirectIo;
  /** A test seam opening the temp file instead of the writer (e.g. `/dev/full`). */
  openTemp?: (path: string) => Promise<FileHandle>;
}

export async function putStream(
  host: PutHost,
  input: AsyncIterable<Uint8Array> | Uint8Array,
  opts: BlobPutOptions,
): Promise<BlobPutResult> {
  const tmp = join(host.tmpDir, `${process.pid}-${randomUUID()}`);
  const h = await nodeHashing.sha256();
  let size = 0;
  let out: BlobFileWriter | undefined;
  try {
    out = await openBlobFileWriter(
      tmp,
      host.openTemp ? { handle: await host.openTemp(tmp) } : { flags: 'wx', direct: host.direct },
    );
    for await (const c of asChunks(input)) {
      opts.signal?.throwIfAborted();
      h.update(c);
      size += c.length;
      await out.append([c]);
    }
    const done = out;
    out = undefined;
    await done.finish(); // one fdatasync; closed either way
    const hash = toHex(h.digest()) as BlobHash;
    if (opts.expected && opts.expected !== hash)
      throw new BlobHashMismatchError(opts.expected, hash, `blob store ${host.root}`);
    return { hash, size, created: await host.publisher.publish(tmp, hash) };
  } catch (e) {
    await out?.abort().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new BlobStoreFullError(host.root, { cause: e });
    throw e;
  }
}
