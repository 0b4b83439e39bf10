/**
 * Cheap structural check of saved Automerge bytes (a sequence of chunks), used where a peer's
 * document is stored without being loaded (the lazy snapshot receiver): loading each shard
 * would cost seconds per 100k assets. Each chunk is `85 6f 4a 83`, a 4-byte checksum, a type
 * byte, a uLEB128 length and the contents; the checksum is the first 4 bytes of SHA-256 over
 * type, length and contents, so a flipped byte, garbage or a cut is caught without a load.
 */
import { sha256 } from '@noble/hashes/sha2.js';

const MAGIC = [0x85, 0x6f, 0x4a, 0x83] as const;
/** document, change; a compressed change (2) is checksummed over its inflated form. */
const CHUNK_TYPES = new Set([0, 1, 2]);

/** Why `bytes` are not well-formed Automerge chunks, or undefined when they are. */
export function automergeChunkProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'empty document';
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 10) return `truncated chunk header at byte ${at}`;
    for (let i = 0; i < 4; i++) if (bytes[at + i] !== MAGIC[i]) return `no Automerge magic at byte ${at}`;
    const type = bytes[at + 8]!;
    if (!CHUNK_TYPES.has(type)) return `unknown chunk type ${type} at byte ${at}`;
    let p = at + 9;
    let len = 0;
    for (let shift = 0; ; shift += 7) {
      if (p >= bytes.length || shift > 28) return `bad chunk length at byte ${at}`;
      const c = bytes[p++]!;
      len += (c & 0x7f) * 2 ** shift;
      if ((c & 0x80) === 0) break;
    }
    const end = p + len;
    if (end > bytes.length) return `chunk at byte ${at} truncated (${bytes.length - p} of ${len} bytes)`;
    if (type !== 2) {
      const sum = sha256(bytes.subarray(at + 8, end));
      for (let i = 0; i < 4; i++)
        if (sum[i] !== bytes[at + 4 + i]) return `checksum mismatch in chunk at byte ${at}`;
    }
    at = end;
  }
  return undefined;
}
