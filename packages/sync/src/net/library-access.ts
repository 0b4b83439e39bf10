import type { DeviceId } from '../ids.ts';
import type { DeviceCertificate } from '../identity/device-certificate.ts';
import { readPairedDevices } from '../identity/paired-devices.ts';
import type { PeerAccess } from './peer-access.ts';

/** Options of {@link createLibraryAccess}. */
export interface LibraryAccessOptions {
  /** base64url raw Ed25519 public key of the library: only its signatures count */
  libraryPublicKey: string;
  /**
   * Peers trusted without a certificate in the document: the node itself, and on the
   * home node its own PeerId before its certificate has been written.
   */
  trusted?: Iterable<string>;
}

/** A PeerAccess fed from the library root document. */
export interface LibraryAccess extends PeerAccess {
  isRevoked(peer: DeviceId | string): boolean;
  /**
   * Re-reads `devices`/`revocations` from the root document's current state (any peer may
   * have written it, so every signature is checked). Fires `onRevoked` for each newly
   * revoked device. Calls are serialised, so the latest state always wins.
   */
  update(root: unknown): Promise<void>;
  /** The valid certificates as of the last update. */
  certificates(): DeviceCertificate[];
  /** Reasons why entries of the last document were ignored (forged, malformed). */
  invalid(): string[];
}

export function createLibraryAccess(options: LibraryAccessOptions): LibraryAccess {
  const trusted = new Set(options.trusted ?? []);
  let paired = new Map<string, DeviceCertificate>();
  let revoked = new Set<string>();
  let invalid: string[] = [];
  const listeners = new Set<(peer: DeviceId) => void>();
  let queue: Promise<void> = Promise.resolve();

  async function apply(root: unknown): Promise<void> {
    const next = await readPairedDevices(root, options.libraryPublicKey);
    const fresh = [...next.revoked].filter((d) => !revoked.has(d));
    paired = next.paired;
    // Revocations are permanent: a later document state that lost one (a peer writing an
    // old copy) does not un-revoke a device.
    revoked = new Set([...revoked, ...next.revoked]);
    for (const d of revoked) paired.delete(d);
    invalid = next.invalid;
    for (const d of fresh) for (const l of listeners) l(d);
  }

  return {
    isPaired: (peer) => !revoked.has(peer) && (trusted.has(peer) || paired.has(peer)),
    isRevoked: (peer) => revoked.has(peer),
    onRevoked(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    update(root) {
      queue = queue.then(() => apply(root));
      return queue;
    },
    certificates: () => [...paired.values()],
    invalid: () => invalid,
  };
}
