/**
 * Incremental hashing, injected so the core stays portable: Node uses node:crypto
 * (`hashing.node.ts`, ~1.5 GB/s here), browsers use hash-wasm (`hashing.wasm.ts`).
 */

/** One running hash. */
export interface IncrementalHash {
  update(data: Uint8Array): void;
  /** The digest; the hash may not be updated afterwards. */
  digest(): Uint8Array;
  /** The digest of the bytes so far, without ending the hash (a manifest's prefix digests). */
  peek(): Uint8Array;
  /**
   * An independent copy of the running hash (to try a chunk and keep the state only if it
   * verifies), of its state at the call: updates made before the copy resolves are not in it.
   */
  fork(): Promise<IncrementalHash>;
}

/** The hash functions blobs need: SHA-256 for addressing and chunks, SHA-1 for Immich-compatible duplicate checks. */
export interface Hashing {
  sha256(): Promise<IncrementalHash>;
  sha1(): Promise<IncrementalHash>;
  /**
   * SHA-256 of one buffer, off the calling thread where the platform can (WebCrypto runs
   * it on Node's thread pool): a receiver checks chunks while its main thread decrypts.
   */
  sha256Of(data: Uint8Array): Promise<Uint8Array>;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b];
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** SHA-256 of one buffer as lowercase hex. */
export async function sha256Hex(hashing: Hashing, data: Uint8Array): Promise<string> {
  const h = await hashing.sha256();
  h.update(data);
  return toHex(h.digest());
}

/** Constant-time-ish byte comparison (digests are public, but keep the habit). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}
