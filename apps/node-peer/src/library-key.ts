import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PrivateKey } from '@libp2p/interface';
import {
  exportLibraryKey,
  generateLibraryKey,
  importLibraryKey,
  libraryKeyFromSeed,
  type LibraryId,
  type LibraryKey as SyncLibraryKey,
} from '@hearth/sync';
import { DataDirError } from './errors.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/**
 * The library's Ed25519 key pair as the node holds it: the `@hearth/sync` identity key
 * (certificates, root document) plus the same key as node:crypto and libsodium-layout
 * bytes (audit log signatures, hypercore).
 */
export interface LibraryKey {
  id: LibraryId;
  /** base64url raw 32-byte public key */
  publicKey: string;
  identity: SyncLibraryKey;
  /** Raw key material in libsodium layout, for hypercore (secretKey = seed ‖ public key). */
  raw: { publicKey: Buffer; secretKey: Buffer };
  sign(data: Uint8Array): string;
  verify(data: Uint8Array, signature: string): boolean;
}

function wrap(identity: SyncLibraryKey): LibraryKey {
  const pub = Buffer.from(identity.privateKey.publicKey.raw);
  // libp2p's Ed25519 private key `raw` is seed ‖ public key (libsodium layout).
  const seed = Buffer.from(identity.privateKey.raw.subarray(0, 32));
  const privateKey: KeyObject = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: pub.toString('base64url') },
    format: 'jwk',
  });
  const publicKey = createPublicKey(privateKey);
  return {
    id: identity.id,
    publicKey: identity.publicKey,
    identity,
    raw: { publicKey: pub, secretKey: Buffer.concat([seed, pub]) },
    sign: (data) => sign(null, data, privateKey).toString('base64url'),
    verify: (data, signature) => verify(null, data, publicKey, Buffer.from(signature, 'base64url')),
  };
}

/** Load the key at `path`, creating it (mode 0600) when absent. Returns whether it was created. */
export async function loadOrCreateLibraryKey(path: string): Promise<{ key: LibraryKey; created: boolean }> {
  try {
    const bytes = await readFile(path);
    try {
      return { key: wrap(importLibraryKey(bytes)), created: false };
    } catch (err) {
      throw new DataDirError(
        'CORRUPT',
        `library key ${path} is unreadable (${(err as Error).message}); restore it from your backup`,
        { cause: err },
      );
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const identity = await generateLibraryKey();
  // Exclusive create: two `init`s racing keep the first key, never a mix.
  const won = await writeFileAtomic(path, exportLibraryKey(identity), { mode: 0o600, exclusive: true });
  if (!won) return loadOrCreateLibraryKey(path);
  return { key: wrap(identity), created: true };
}

/** Load an existing key; a missing key means the data dir was never initialised. */
export async function loadLibraryKey(path: string): Promise<LibraryKey> {
  try {
    await readFile(path);
  } catch {
    throw new DataDirError(
      'NOT_INITIALISED',
      `no library at ${dirname(path)}: run \`hearth init\` first (or pass --data-dir)`,
    );
  }
  return (await loadOrCreateLibraryKey(path)).key;
}

/**
 * A joined home node's own signing key in the shape of a library key: its node key (the
 * Ed25519 key of its PeerId). A second home node never holds the library's private key (so
 * revoking it means something), so its audit log is signed by this key, not the library's.
 */
export async function nodeSigningKey(nodeKey: PrivateKey): Promise<LibraryKey> {
  if (nodeKey.type !== 'Ed25519')
    throw new DataDirError('CORRUPT', `node key is ${nodeKey.type}, not Ed25519: cannot sign the audit log`);
  // libp2p's Ed25519 `raw` is seed ‖ public key.
  return wrap(await libraryKeyFromSeed(nodeKey.raw.subarray(0, 32)));
}
