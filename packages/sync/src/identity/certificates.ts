import { asDeviceId, type DeviceId } from '../ids.ts';
import { fromBase64url, toBase64url } from './base64url.ts';
import { canonicalBytes } from './canonical.ts';
import type { DeviceCertificate, DeviceRevocation, DeviceRole } from './device-certificate.ts';
import { InvalidCertificateError } from './errors.ts';
import { libraryIdOf, libraryPublicKey, type LibraryKey } from './library-key.ts';

const CERT_DOMAIN = 'hearth/device-certificate/1';
const REVOKE_DOMAIN = 'hearth/device-revocation/1';
const MAX_NAME = 200;

/** What the library key vouches for when it admits a device. */
export interface CertificateRequest {
  deviceId: DeviceId;
  name: string;
  role: DeviceRole;
  /** ms since epoch; defaults to now */
  issuedAt?: number;
}

function certFields(c: Omit<DeviceCertificate, 'signature'>): Record<string, string | number> {
  return { libraryId: c.libraryId, deviceId: c.deviceId, name: c.name, role: c.role, issuedAt: c.issuedAt };
}

function revokeFields(r: Omit<DeviceRevocation, 'signature'>): Record<string, string | number> {
  return { libraryId: r.libraryId, deviceId: r.deviceId, revokedAt: r.revokedAt };
}

/** Signs a certificate for a device with the library key. */
export async function issueCertificate(key: LibraryKey, req: CertificateRequest): Promise<DeviceCertificate> {
  asDeviceId(req.deviceId);
  if (req.name.length === 0 || req.name.length > MAX_NAME)
    throw new InvalidCertificateError(`device name must be 1..${MAX_NAME} characters`);
  const body = {
    libraryId: key.id,
    deviceId: req.deviceId,
    name: req.name,
    role: req.role,
    issuedAt: req.issuedAt ?? Date.now(),
  };
  const sig = await key.privateKey.sign(canonicalBytes(CERT_DOMAIN, certFields(body)));
  return { ...body, signature: toBase64url(sig) };
}

/** Signs a revocation of a device with the library key. */
export async function issueRevocation(
  key: LibraryKey,
  deviceId: DeviceId,
  revokedAt = Date.now(),
): Promise<DeviceRevocation> {
  const body = { libraryId: key.id, deviceId: asDeviceId(deviceId), revokedAt };
  const sig = await key.privateKey.sign(canonicalBytes(REVOKE_DOMAIN, revokeFields(body)));
  return { ...body, signature: toBase64url(sig) };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

async function verifySigned(
  publicKey: string,
  domain: string,
  fields: Record<string, string | number>,
  signature: unknown,
): Promise<boolean> {
  if (typeof signature !== 'string') return false;
  const sig = fromBase64url(signature);
  if (sig?.length !== 64) return false;
  return libraryPublicKey(publicKey).verify(canonicalBytes(domain, fields), sig);
}

/**
 * Checks a certificate that arrived from a peer or a document (shape, library id, signature).
 * Returns the typed certificate, or throws InvalidCertificateError saying why.
 */
export async function verifyCertificate(cert: unknown, publicKey: string): Promise<DeviceCertificate> {
  if (!isObj(cert)) throw new InvalidCertificateError('not an object');
  const { libraryId, deviceId, name, role, issuedAt, signature } = cert;
  if (
    typeof deviceId !== 'string' ||
    typeof name !== 'string' ||
    typeof issuedAt !== 'number' ||
    (role !== 'home-node' && role !== 'device')
  )
    throw new InvalidCertificateError('malformed fields');
  if (libraryId !== libraryIdOf(publicKey)) throw new InvalidCertificateError('issued for another library');
  const body: Omit<DeviceCertificate, 'signature'> = {
    libraryId: libraryIdOf(publicKey),
    deviceId: asDeviceId(deviceId),
    name,
    role,
    issuedAt,
  };
  if (!(await verifySigned(publicKey, CERT_DOMAIN, certFields(body), signature)))
    throw new InvalidCertificateError(`bad signature for ${deviceId}`);
  return { ...body, signature: signature as string };
}

/** Checks a revocation; throws InvalidCertificateError when it is not signed by the library key. */
export async function verifyRevocation(rev: unknown, publicKey: string): Promise<DeviceRevocation> {
  if (!isObj(rev)) throw new InvalidCertificateError('revocation is not an object');
  const { libraryId, deviceId, revokedAt, signature } = rev;
  if (typeof deviceId !== 'string' || typeof revokedAt !== 'number')
    throw new InvalidCertificateError('malformed revocation');
  if (libraryId !== libraryIdOf(publicKey))
    throw new InvalidCertificateError('revocation for another library');
  const body = { libraryId: libraryIdOf(publicKey), deviceId: asDeviceId(deviceId), revokedAt };
  if (!(await verifySigned(publicKey, REVOKE_DOMAIN, revokeFields(body), signature)))
    throw new InvalidCertificateError(`bad revocation signature for ${deviceId}`);
  return { ...body, signature: signature as string };
}
