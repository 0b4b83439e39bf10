import { verifyCertificate, verifyRevocation } from '../identity/certificates.ts';
import type { DeviceRole } from '../identity/device-certificate.ts';
import type { DeviceId } from '../ids.ts';

/** A device of the library as a devices page lists it. */
export interface LibraryDevice {
  deviceId: DeviceId;
  name: string;
  role: DeviceRole;
  /** when its certificate was issued (paired), ms since epoch */
  issuedAt: number;
  /** when it was revoked (ms since epoch); absent: not revoked */
  revokedAt?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every device of a root document (from any peer, so untrusted): each certificate signed by
 * the library key, with its revocation when one is signed too, oldest first. Forged or
 * malformed entries are left out; a revocation whose certificate is missing still lists the
 * device (by id), so a revoked device never looks unknown.
 */
export async function listLibraryDevices(root: unknown, libraryPublicKey: string): Promise<LibraryDevice[]> {
  if (!isObj(root)) return [];
  const out = new Map<string, LibraryDevice>();
  const devices = isObj(root['devices']) ? root['devices'] : {};
  for (const [k, v] of Object.entries(devices)) {
    const c = await verifyCertificate(v, libraryPublicKey).catch(() => undefined);
    if (c && c.deviceId === k)
      out.set(k, { deviceId: c.deviceId, name: c.name, role: c.role, issuedAt: c.issuedAt });
  }
  const revs = isObj(root['revocations']) ? root['revocations'] : {};
  for (const [k, v] of Object.entries(revs)) {
    const r = await verifyRevocation(v, libraryPublicKey).catch(() => undefined);
    if (!r || r.deviceId !== k) continue;
    const d = out.get(k) ?? { deviceId: r.deviceId, name: '', role: 'device', issuedAt: 0 };
    out.set(k, { ...d, revokedAt: r.revokedAt });
  }
  return [...out.values()].sort((a, b) => a.issuedAt - b.issuedAt);
}
