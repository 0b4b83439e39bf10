export type { DeviceCertificate, DeviceRevocation, DeviceRole } from './device-certificate.ts';
export { InvalidKeyError, InvalidCertificateError } from './errors.ts';
export { toBase64url, fromBase64url } from './base64url.ts';
export {
  generateLibraryKey,
  libraryKeyFromSeed,
  exportLibraryKey,
  importLibraryKey,
  libraryIdOf,
  libraryPublicKey,
  type LibraryKey,
} from './library-key.ts';
export { generateDeviceKey, deviceIdOf, exportDeviceKey, importDeviceKey } from './device-key.ts';
export {
  issueCertificate,
  issueRevocation,
  verifyCertificate,
  verifyRevocation,
  type CertificateRequest,
} from './certificates.ts';
export { readPairedDevices, type PairedDevices } from './paired-devices.ts';
