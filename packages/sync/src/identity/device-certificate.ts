import type { DeviceId, LibraryId } from '../ids.ts';

/** What a device may do in a library. */
export type DeviceRole = 'home-node' | 'device';

/**
 * A device certificate: the library key's signature over the device's PeerId, name, role
 * and issue time. Stored in the library root document under `devices[deviceId]`.
 */
export interface DeviceCertificate {
  libraryId: LibraryId;
  deviceId: DeviceId;
  name: string;
  role: DeviceRole;
  /** ms since epoch */
  issuedAt: number;
  /** base64url Ed25519 signature by the library key over the canonical encoding of the fields above */
  signature: string;
}

/** A revocation, signed by the library key. Stored under `revocations[deviceId]`. */
export interface DeviceRevocation {
  libraryId: LibraryId;
  deviceId: DeviceId;
  revokedAt: number;
  signature: string;
}
