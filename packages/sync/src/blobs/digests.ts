/**
 * Digests of an original at ingest: SHA-256 (the asset id and blob address) and SHA-1
 * (Immich's bulk-upload duplicate check), in one pass over the bytes.
 */
import type { BlobHash } from '../ids.ts';
import type { Hashing } from './hashing.ts';
import { toHex } from './hashing.ts';

/** Both digests of a blob and its size. */
export interface BlobDigests {
  sha256: BlobHash;
  /** Lowercase hex SHA-1. */
  sha1: string;
  size: number;
}

export async function computeDigests(
  hashing: Hashing,
  body: AsyncIterable<Uint8Array> | Uint8Array,
): Promise<BlobDigests> {
  const [a, b] = await Promise.all([hashing.sha256(), hashing.sha1()]);
  let size = 0;
  const feed = (c: Uint8Array) => {
    a.update(c);
    b.update(c);
    size += c.length;
  };
  if (body instanceof Uint8Array) feed(body);
  else for await (const c of body) feed(c);
  return { sha256: toHex(a.digest()) as BlobHash, sha1: toHex(b.digest()), size };
}
