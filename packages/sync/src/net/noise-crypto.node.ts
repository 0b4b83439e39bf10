/**
 * Noise's ChaCha20-Poly1305 for Node peers, with each session key parsed once. libp2p-noise's
 * Node crypto calls `createCipheriv` / `createDecipheriv` with the key as raw bytes for every
 * transport message (≤ 64 KiB), and Node 24 checks raw bytes for being a KeyObject and then a
 * CryptoKey by letting a native brand check throw: two TypeErrors, each capturing a stack
 * trace, per message (perf on the blob-throughput sender: error construction and stack capture
 * 7–9 % of its main thread's samples; alone, ~5–12 µs of a 64 KiB message's ~50 µs). Handing
 * Node a KeyObject made once per key skips both checks and their garbage. Ciphertexts are the
 * same bytes as libp2p-noise's (noise-crypto.node.test.ts checks both ways).
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { ICryptoInterface } from '@chainsafe/libp2p-noise';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { Uint8ArrayList } from 'uint8arraylist';

const CHACHA = 'chacha20-poly1305';
const TAG = 16;
/** libp2p-noise's own cut-over: its wasm ChaCha is faster below this, Node's above. */
const NODE_FROM = 1200;

/** The KeyObject of each key array Noise holds (one per direction per connection). */
const keys = new WeakMap<Uint8Array, { bytes: Uint8Array; key: KeyObject }>();

/** A session key's KeyObject, made on first use; made again if the array's bytes changed. */
export function secretKeyOf(k: Uint8Array): KeyObject {
  const hit = keys.get(k);
  if (hit && sameBytes(hit.bytes, k)) return hit.key;
  const key = createSecretKey(k);
  keys.set(k, { bytes: Uint8Array.from(k), key }); // a copy (Buffer#slice would be a view)
  return key;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

type Encrypt = ICryptoInterface['chaCha20Poly1305Encrypt'];
type Decrypt = ICryptoInterface['chaCha20Poly1305Decrypt'];
/**
 * A list made here as libp2p-noise's own type: it depends on uint8arraylist 2 and we on 3, the
 * same list at run time (lists know each other by a global symbol), not to the type checker.
 */
const asNoiseList = (list: Uint8ArrayList) => list as unknown as ReturnType<Encrypt>;

const encrypt: Encrypt = (plaintext, nonce, ad, k) => {
  if (plaintext.byteLength < NODE_FROM) return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k);
  const cipher = createCipheriv(CHACHA, secretKeyOf(k), nonce, { authTagLength: TAG });
  cipher.setAAD(ad, { plaintextLength: plaintext.byteLength });
  // As libp2p-noise does: a list stays a list of pieces (no join), a single array one buffer.
  if (plaintext instanceof Uint8Array) {
    const updated = cipher.update(plaintext);
    const final = cipher.final();
    const tag = cipher.getAuthTag();
    return Buffer.concat([updated, final, tag], updated.byteLength + final.byteLength + tag.byteLength);
  }
  const out = new Uint8ArrayList();
  for (const piece of plaintext) out.append(cipher.update(piece));
  const final = cipher.final();
  if (final.byteLength > 0) out.append(final);
  out.append(cipher.getAuthTag());
  return asNoiseList(out);
};

const decrypt: Decrypt = (ciphertext, nonce, ad, k, dst) => {
  if (ciphertext.byteLength < NODE_FROM)
    return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst);
  const decipher = createDecipheriv(CHACHA, secretKeyOf(k), nonce, { authTagLength: TAG });
  const end = ciphertext.byteLength - TAG;
  decipher.setAAD(ad, { plaintextLength: end });
  decipher.setAuthTag(ciphertext.subarray(end));
  if (ciphertext instanceof Uint8Array) {
    const output = decipher.update(ciphertext.subarray(0, end));
    const final = decipher.final(); // throws on a wrong tag
    return final.byteLength > 0 ? Buffer.concat([output, final]) : output;
  }
  const out = new Uint8ArrayList();
  for (const piece of ciphertext.sublist(0, end)) out.append(decipher.update(piece));
  const final = decipher.final();
  if (final.byteLength > 0) out.append(final);
  return asNoiseList(out);
};

/** libp2p-noise's default Node crypto with ChaCha20-Poly1305 keyed by KeyObjects. */
export const noiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  chaCha20Poly1305Encrypt: encrypt,
  chaCha20Poly1305Decrypt: decrypt,
};
