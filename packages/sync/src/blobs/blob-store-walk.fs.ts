/** Lists the blobs that have a file of their own in the store's fan-out directories, in hash order. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobHash } from '../ids.ts';

/** Every `sha256/ab/cd/<hash>` file whose name is a hash in its right place, except those `skip` names. */
export async function* walkLoose(
  blobsDir: string,
  skip: (hash: BlobHash) => boolean,
): AsyncIterable<BlobHash> {
  const level = async (d: string) => readdir(d).catch(() => [] as string[]);
  for (const a of (await level(blobsDir)).sort())
    for (const b of (await level(join(blobsDir, a))).sort())
      for (const f of (await level(join(blobsDir, a, b))).sort()) {
        if (/^[0-9a-f]{64}$/.test(f) && f.startsWith(a + b) && !skip(f as BlobHash)) yield f as BlobHash;
      }
}
