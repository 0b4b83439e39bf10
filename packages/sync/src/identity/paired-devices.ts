import type { DeviceId } from '../ids.ts';
import { verifyCertificate, verifyRevocation } from './certificates.ts';
import type { DeviceCertificate } from './device-certificate.ts';

/** The devices a root document admits, after checking every signature. */
export interface PairedDevices {
  /** valid certificates of devices that are not revoked */
  paired: Map<DeviceId, DeviceCertificate>;
  /** devices with a valid revocation */
  revoked: Set<DeviceId>;
  /** entries skipped because they are malformed or forged (reasons, for logs) */
  invalid: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads `devices` and `revocations` of a root document (from any peer, so untrusted) and
 * keeps only entries signed by the library key. A revocation wins over a certificate,
 * whatever the timestamps say: a revoked device stays out.
 */
export async function readPairedDevices(root: unknown, libraryPublicKey: string): Promise<PairedDevices> {
  const out: PairedDevices = { paired: new Map(), revoked: new Set(), invalid: [] };
  if (!isObj(root)) return out;
  const revs = root['revocations'];
  if (isObj(revs)) {
    for (const [k, v] of Object.entries(revs)) {
      try {
        const r = await verifyRevocation(v, libraryPublicKey);
        if (r.deviceId !== k) throw new Error('key does not match deviceId');
        out.revoked.add(r.deviceId);
      } catch (e) {
        out.invalid.push(`revocations[${JSON.stringify(k.slice(0, 80))}]: ${(e as Error).message}`);
      }
    }
  }
  const devices = root['devices'];
  if (isObj(devices)) {
    for (const [k, v] of Object.entries(devices)) {
      try {
        const c = await verifyCertificate(v, libraryPublicKey);
        if (c.deviceId !== k) throw new Error('key does not match deviceId');
        if (!out.revoked.has(c.deviceId)) out.paired.set(c.deviceId, c);
      } catch (e) {
        out.invalid.push(`devices[${JSON.stringify(k.slice(0, 80))}]: ${(e as Error).message}`);
      }
    }
  }
  return out;
}
