/**
 * A streamed put into the filesystem store: the bytes go to a temp file (direct I/O where the
 * filesystem takes it, blob-file-writer.fs.ts) while being hashed, one `fdatasync`, the hash
 * checked against what the caller expected, then published (renamed into place, directory
 * fsynced). Nothing is visible until it is whole and verified; on failure the temp file goes.
 * The hash pass also notes the blob's chunk manifest, kept beside it (blob-manifest-files.fs.ts).
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
import type { ManifestFiles } from './blob-manifest-files.fs.ts';
import { createPrefixDigester } from './blob-manifest.ts';

/** What a streamed put needs from its store. */
export interface PutHost {
  root: string;
  tmpDir: string;
  publisher: Publisher;
  /** Direct-I/O staging (blob-file-writer.fs.ts). */
  direct: DirectIo;
  /** A test seam opening the temp file instead of the writer (e.g. `/dev/full`). */
  openTemp?: (path: string) => Promise<FileHandle>;
  /** Where the manifest noted while hashing is kept, for blobs of more than one `manifestChunk`. */
  manifests: ManifestFiles;
  manifestChunk: number;
}

export async function putStream(
  host: PutHost,
  input: AsyncIterable<Uint8Array> | Uint8Array,
  opts: BlobPutOptions,
): Promise<BlobPutResult> {
  const tmp = join(host.tmpDir, `${process.pid}-${randomUUID()}`);
  // The chunk manifest comes from the same hash pass (blob-manifest.ts), kept for serving.
  const h = createPrefixDigester(await nodeHashing.sha256(), host.manifestChunk);
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
    const m = h.finish();
    const hash = toHex(m.prefixDigests.subarray(m.prefixDigests.length - 32)) as BlobHash;
    if (opts.expected && opts.expected !== hash)
      throw new BlobHashMismatchError(opts.expected, hash, `blob store ${host.root}`);
    const created = await host.publisher.publish(tmp, hash);
    // Derived data, checked when read back: a failure here only means hashing it when served.
    if (created && size > host.manifestChunk) await host.manifests.write(hash, m).catch(() => undefined);
    return { hash, size, created };
  } catch (e) {
    await out?.abort().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') throw new BlobStoreFullError(host.root, { cause: e });
    throw e;
  }
}
