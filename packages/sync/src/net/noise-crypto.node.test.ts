import { randomBytes } from 'node:crypto';
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto';
import { Uint8ArrayList } from 'uint8arraylist';
import { describe, expect, it } from 'vitest';
import { noiseCrypto, secretKeyOf } from './noise-crypto.node.ts';

/** The bytes of an array or a list (of either uint8arraylist version). */
const bytesOf = (x: { subarray(): Uint8Array }) => Buffer.from(x.subarray());
/** Our uint8arraylist 3 list as libp2p-noise's (version 2) type; the same at run time. */
const asArg = (l: Uint8ArrayList) =>
  l as unknown as Parameters<typeof noiseCrypto.chaCha20Poly1305Encrypt>[0];
const nonce = new Uint8Array(12).fill(7);
const ad = new Uint8Array(0);

describe('noiseCrypto (ChaCha20-Poly1305 with KeyObjects)', () => {
  // Sizes around libp2p-noise's 1200-byte cut-over and a full transport message.
  for (const size of [0, 100, 1199, 1200, 65519]) {
    it(`encrypts and decrypts ${size} bytes exactly as libp2p-noise does, both ways`, () => {
      const k = randomBytes(32);
      const plain = randomBytes(size);
      const ours = noiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k);
      const theirs = defaultCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k);
      expect(bytesOf(ours)).toEqual(bytesOf(theirs));
      expect(bytesOf(defaultCrypto.chaCha20Poly1305Decrypt(bytesOf(ours), nonce, ad, k))).toEqual(plain);
      expect(bytesOf(noiseCrypto.chaCha20Poly1305Decrypt(bytesOf(theirs), nonce, ad, k))).toEqual(plain);
    });
  }

  it('takes lists of pieces (a yamux header and data) like single arrays', () => {
    const k = randomBytes(32);
    const plain = randomBytes(70_000);
    const list = new Uint8ArrayList(
      plain.subarray(0, 12),
      plain.subarray(12, 40_000),
      plain.subarray(40_000),
    );
    const sealed = noiseCrypto.chaCha20Poly1305Encrypt(asArg(list), nonce, ad, k);
    expect(bytesOf(sealed)).toEqual(bytesOf(defaultCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k)));
    const s = bytesOf(sealed);
    const pieces = new Uint8ArrayList(s.subarray(0, 5000), s.subarray(5000));
    expect(bytesOf(noiseCrypto.chaCha20Poly1305Decrypt(asArg(pieces), nonce, ad, k))).toEqual(plain);
  });

  it('refuses a tampered message', () => {
    const k = randomBytes(32);
    const sealed = bytesOf(noiseCrypto.chaCha20Poly1305Encrypt(randomBytes(4096), nonce, ad, k));
    sealed[100]! ^= 1;
    expect(() => noiseCrypto.chaCha20Poly1305Decrypt(sealed, nonce, ad, k)).toThrow();
  });

  it('parses a key once, and again when the same array holds other bytes', () => {
    const k = randomBytes(32);
    const first = secretKeyOf(k);
    expect(secretKeyOf(k)).toBe(first);
    k[0]! ^= 0xff;
    const second = secretKeyOf(k);
    expect(second).not.toBe(first);
    // The re-parsed key is the new bytes: a message sealed with them opens with libp2p-noise's crypto.
    const plain = randomBytes(2000);
    const sealed = noiseCrypto.chaCha20Poly1305Encrypt(plain, nonce, ad, k);
    expect(bytesOf(defaultCrypto.chaCha20Poly1305Decrypt(bytesOf(sealed), nonce, ad, k))).toEqual(plain);
  });
});
