/**
 * Branded identifiers. A brand stops an AssetId being passed where a DeviceId is wanted;
 * the `as…` functions validate text arriving from peers and files.
 */
import { InvalidIdError } from './errors.ts';

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Lowercase hex SHA-256 of a blob's bytes (64 chars). */
export type BlobHash = Brand<string, 'BlobHash'>;
/** An asset's id: the BlobHash of its original, so one photo imported twice is one asset. */
export type AssetId = Brand<string, 'AssetId'>;
/** A device's libp2p PeerId as a string. */
export type DeviceId = Brand<string, 'DeviceId'>;
/** A library's id, derived from its public key. */
export type LibraryId = Brand<string, 'LibraryId'>;
/** A random id for an album. */
export type AlbumId = Brand<string, 'AlbumId'>;
/** A random id for a person (face cluster). */
export type PersonId = Brand<string, 'PersonId'>;

const HEX64 = /^[0-9a-f]{64}$/;
const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

export function asBlobHash(s: string): BlobHash {
  if (!HEX64.test(s)) throw new InvalidIdError('BlobHash', s);
  return s as BlobHash;
}
export function asAssetId(s: string): AssetId {
  if (!HEX64.test(s)) throw new InvalidIdError('AssetId', s);
  return s as AssetId;
}
export function asAlbumId(s: string): AlbumId {
  if (!TOKEN.test(s)) throw new InvalidIdError('AlbumId', s);
  return s as AlbumId;
}
export function asPersonId(s: string): PersonId {
  if (!TOKEN.test(s)) throw new InvalidIdError('PersonId', s);
  return s as PersonId;
}
export function asDeviceId(s: string): DeviceId {
  // PeerIds are base58btc (12D3Koo… for Ed25519) or CIDv1 base32.
  if (!/^[1-9A-HJ-NP-Za-km-z]{40,60}$|^b[a-z2-7]{50,70}$/.test(s)) throw new InvalidIdError('DeviceId', s);
  return s as DeviceId;
}
export function asLibraryId(s: string): LibraryId {
  if (!TOKEN.test(s)) throw new InvalidIdError('LibraryId', s);
  return s as LibraryId;
}

/** A new random id (URL-safe, 128 bits) for albums, people and the like. */
export function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
