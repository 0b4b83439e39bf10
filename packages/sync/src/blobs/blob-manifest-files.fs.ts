/**
 * Chunk manifests kept beside the filesystem store's blobs, `manifest/ab/<hash>`, so a blob is
 * not read and hashed whole the first time a peer asks for it: the manifest is computed while
 * the blob is written (blob-store-put.fs.ts) or the first time it is served (loadManifest).
 *
 * Not fsynced: a manifest is derived data. What is read back is checked before it is used —
 * magic, chunk size, length for the blob's size, a SHA-256 over the content, and the last
 * entry must be the address — so a torn, lost or foreign file only means computing it again.
 * (A receiver checks every chunk against the manifest anyway: a wrong one lets nothing in.)
 *
 * Layout: `HMF1`, u32 chunk size, f64 blob size, 32 bytes per chunk, SHA-256 of all before it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobHash } from '../ids.ts';
import { chunkCount, type BlobManifest } from './blob-manifest.ts';
import { fromHex, bytesEqual } from './hashing.ts';

const MAGIC = 0x484d4631; // "HMF1"
const HEAD = 16;

/** The manifest files of one store. */
export interface ManifestFiles {
  /** The kept manifest for `chunkSize`, if there is one that checks out (the caller compares the size). */
  read(hash: BlobHash, chunkSize: number): Promise<BlobManifest | undefined>;
  write(hash: BlobHash, manifest: BlobManifest): Promise<void>;
  remove(hash: BlobHash): Promise<void>;
}

export function createManifestFiles(dir: string): ManifestFiles {
  const pathOf = (hash: BlobHash) => join(dir, hash.slice(0, 2), hash);
  /** Fan-out directories known to exist. */
  const made = new Set<string>();

  return {
    async read(hash, chunkSize) {
      const buf = await readFile(pathOf(hash)).catch(() => undefined);
      const m = buf && decodeManifest(buf, hash);
      return m?.chunkSize === chunkSize ? m : undefined;
    },
    async write(hash, manifest) {
      const fan = join(dir, hash.slice(0, 2));
      if (!made.has(fan)) await mkdir(fan, { recursive: true });
      made.add(fan);
      await writeFile(pathOf(hash), encodeManifest(manifest), { mode: 0o600 });
    },
    async remove(hash) {
      await unlink(pathOf(hash)).catch(() => undefined);
    },
  };
}

export function encodeManifest(m: BlobManifest): Uint8Array {
  const out = new Uint8Array(HEAD + m.prefixDigests.length + 32);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, m.chunkSize);
  view.setFloat64(8, m.size);
  out.set(m.prefixDigests, HEAD);
  const body = out.subarray(0, out.length - 32);
  out.set(createHash('sha256').update(body).digest(), body.length);
  return out;
}

/** The manifest in `buf` if it is whole and for `hash`; undefined otherwise. */
export function decodeManifest(buf: Uint8Array, hash: BlobHash): BlobManifest | undefined {
  if (buf.length < HEAD + 64) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const chunkSize = view.getUint32(4);
  const size = view.getFloat64(8);
  if (view.getUint32(0) !== MAGIC || chunkSize === 0 || !Number.isSafeInteger(size) || size < 0)
    return undefined;
  const n = chunkCount(size, chunkSize);
  if (buf.length !== HEAD + 32 * n + 32) return undefined;
  const body = buf.subarray(0, buf.length - 32);
  if (!bytesEqual(createHash('sha256').update(body).digest(), buf.subarray(body.length))) return undefined;
  const prefixDigests = new Uint8Array(buf.subarray(HEAD, HEAD + 32 * n)); // a copy, and not a Buffer
  if (!bytesEqual(prefixDigests.subarray(32 * (n - 1)), fromHex(hash))) return undefined;
  return { size, chunkSize, prefixDigests };
}
