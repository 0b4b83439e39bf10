import {
  generateKeyPair,
  generateKeyPairFromSeed,
  privateKeyFromProtobuf,
  privateKeyToProtobuf,
  publicKeyFromRaw,
} from '@libp2p/crypto/keys';
import type { Ed25519PrivateKey, Ed25519PublicKey } from '@libp2p/interface';
import { sha256 } from '@noble/hashes/sha2.js';
import { asLibraryId, type LibraryId } from '../ids.ts';
import { fromBase64url, toBase64url } from './base64url.ts';
import { InvalidKeyError } from './errors.ts';

/** The library's Ed25519 key pair. Only the home node that ran `hearth init` holds it. */
export interface LibraryKey {
  id: LibraryId;
  /** base64url of the raw 32-byte public key (as stored in the root document) */
  publicKey: string;
  privateKey: Ed25519PrivateKey;
}

/** The library id: a digest of the public key, so anyone holding the key can check it. */
export function libraryIdOf(publicKey: string): LibraryId {
  const raw = fromBase64url(publicKey);
  if (raw?.length !== 32) throw new InvalidKeyError('library public key');
  return asLibraryId(toBase64url(sha256(raw)).slice(0, 22));
}

/** Reads a base64url raw public key as a verifier. */
export function libraryPublicKey(publicKey: string): Ed25519PublicKey {
  const raw = fromBase64url(publicKey);
  if (raw?.length !== 32) throw new InvalidKeyError('library public key');
  try {
    return publicKeyFromRaw(raw) as Ed25519PublicKey;
  } catch (e) {
    throw new InvalidKeyError('library public key', { cause: e });
  }
}

function fromPrivate(privateKey: Ed25519PrivateKey): LibraryKey {
  const publicKey = toBase64url(privateKey.publicKey.raw);
  return { id: libraryIdOf(publicKey), publicKey, privateKey };
}

export async function generateLibraryKey(): Promise<LibraryKey> {
  return fromPrivate(await generateKeyPair('Ed25519'));
}

/** From a 32-byte Ed25519 seed (e.g. the `d` of a JWK or the first half of a libsodium secret key). */
export async function libraryKeyFromSeed(seed: Uint8Array): Promise<LibraryKey> {
  if (seed.length !== 32) throw new InvalidKeyError('library key seed');
  return fromPrivate(await generateKeyPairFromSeed('Ed25519', seed));
}

/** Bytes for the key file (libp2p protobuf encoding). Write them readable by the owner only (0600). */
export function exportLibraryKey(key: LibraryKey): Uint8Array {
  return privateKeyToProtobuf(key.privateKey);
}

/** Reads bytes written by {@link exportLibraryKey}. */
export function importLibraryKey(bytes: Uint8Array): LibraryKey {
  let key;
  try {
    key = privateKeyFromProtobuf(bytes);
  } catch (e) {
    throw new InvalidKeyError('library key file', { cause: e });
  }
  if (key.type !== 'Ed25519') throw new InvalidKeyError(`library key file (${key.type})`);
  return fromPrivate(key);
}
