import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * SHA-256 of a Blob, streamed: a 2 GB video is never held in memory whole (WebCrypto's
 * digest needs the whole buffer, so an incremental hash is used instead).
 */
export async function hashBlob(blob: Blob, onProgress?: (fraction: number) => void): Promise<string> {
  const h = sha256.create();
  const reader = blob.stream().getReader();
  let done = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    h.update(r.value);
    done += r.value.byteLength;
    onProgress?.(blob.size ? done / blob.size : 1);
  }
  return bytesToHex(h.digest());
}
