import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { asBlobHash, type BlobHash } from '@hearth/sync';

/**
 * Read buffers kept between calls. A fresh 1 MiB buffer per read is memory outside V8's heap
 * that V8 answers with full GCs: during an ingest (a few MB hashed per photo) that cost more
 * CPU than the hashing saved by large reads. Calls in parallel each take their own.
 */
const spare: Buffer[] = [];
const CHUNK = 1 << 20;

/** SHA-256 of a file, read in 1 MiB chunks (originals can be gigabytes). */
export async function hashFile(path: string): Promise<BlobHash> {
  const h = createHash('sha256');
  const buf = spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
    if (spare.length < 4) spare.push(buf);
  }
  return asBlobHash(h.digest('hex'));
}

export function hashBytes(bytes: Uint8Array): BlobHash {
  return asBlobHash(createHash('sha256').update(bytes).digest('hex'));
}
