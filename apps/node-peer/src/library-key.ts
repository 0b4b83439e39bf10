import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { asLibraryId, type LibraryId } from '@hearth/sync';
import { DataDirError } from './errors.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/** The library's Ed25519 key pair as the node holds it. */
export interface LibraryKey {
  id: LibraryId;
  /** base64url raw 32-byte public key */
  publicKey: string;
  privateKey: KeyObject;
  /** Raw key material in libsodium layout, for hypercore (secretKey = seed ‖ public key). */
  raw: { publicKey: Buffer; secretKey: Buffer };
  sign(data: Uint8Array): string;
  verify(data: Uint8Array, signature: string): boolean;
}

function fromPrivate(privateKey: KeyObject): LibraryKey {
  const jwk = privateKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x) throw new DataDirError('CORRUPT', 'library key is not an Ed25519 key');
  const pub = Buffer.from(jwk.x, 'base64url');
  const seed = Buffer.from(jwk.d, 'base64url');
  const publicKey = createPublicKey(privateKey);
  // The id is a digest of the public key so anyone holding the key can check it.
  const id = asLibraryId(createHash('sha256').update(pub).digest('base64url').slice(0, 22));
  return {
    id,
    publicKey: jwk.x,
    privateKey,
    raw: { publicKey: pub, secretKey: Buffer.concat([seed, pub]) },
    sign: (data) => sign(null, data, privateKey).toString('base64url'),
    verify: (data, signature) => verify(null, data, publicKey, Buffer.from(signature, 'base64url')),
  };
}

/** Load the key at `path`, creating it (mode 0600) when absent. Returns whether it was created. */
export async function loadOrCreateLibraryKey(path: string): Promise<{ key: LibraryKey; created: boolean }> {
  try {
    const pem = await readFile(path, 'utf8');
    try {
      return { key: fromPrivate(createPrivateKey(pem)), created: false };
    } catch (err) {
      throw new DataDirError('CORRUPT', `library key ${path} is unreadable (${(err as Error).message}); restore it from your backup`, { cause: err });
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  // Exclusive create: two `init`s racing keep the first key, never a mix.
  const won = await writeFileAtomic(path, pem, { mode: 0o600, exclusive: true });
  if (!won) return loadOrCreateLibraryKey(path);
  return { key: fromPrivate(privateKey), created: true };
}

/** Load an existing key; a missing key means the data dir was never initialised. */
export async function loadLibraryKey(path: string): Promise<LibraryKey> {
  try {
    await readFile(path);
  } catch {
    throw new DataDirError('NOT_INITIALISED', `no library at ${dirname(path)}: run \`hearth init\` first (or pass --data-dir)`);
  }
  return (await loadOrCreateLibraryKey(path)).key;
}
