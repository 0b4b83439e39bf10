import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { asBlobHash, type BlobHash } from '@hearth/sync';

/** SHA-256 of a file, streamed (originals can be gigabytes). */
export async function hashFile(path: string): Promise<BlobHash> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return asBlobHash(h.digest('hex'));
}

export function hashBytes(bytes: Uint8Array): BlobHash {
  return asBlobHash(createHash('sha256').update(bytes).digest('hex'));
}
