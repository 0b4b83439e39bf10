/** Test support for the home-media tests: the sync package's HTTP blob endpoint, in-process. */
import { createBlobHttpHandler, createBlobTokenIssuer, type BlobHash } from '@hearth/sync';
import { createMemoryBlobStore, fakeDeviceId } from '@hearth/sync/testing';

/** The device the tests' tokens are minted for. */
export const device = fakeDeviceId(7);

/** Hex SHA-256 of `bytes` (WebCrypto, as the app hashes). */
export async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...d].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** The bytes of a blob the library answered (a Blob's own equality passes for any two Blobs). */
export async function bytesOf(
  blob: Promise<Blob | undefined> | Blob | undefined,
): Promise<Uint8Array | undefined> {
  const b = await blob;
  return b && new Uint8Array(await b.arrayBuffer());
}

/** The sync package's real HTTP blob handler and token issuer, called in-process. */
export async function homeNode(paired = () => true, length = 300_000) {
  const store = createMemoryBlobStore();
  await store.start();
  const issuer = createBlobTokenIssuer({ key: new Uint8Array(32).fill(9), isPaired: paired });
  const handler = createBlobHttpHandler({ store, tokens: issuer });
  const bytes = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 255);
  const hash = await sha256(bytes);
  await store.put(bytes, { expected: hash as BlobHash });
  let mints = 0;
  const token = () => {
    mints++;
    return issuer.mint(device);
  };
  return { handler, store, hash, bytes, token, mints: () => mints };
}
