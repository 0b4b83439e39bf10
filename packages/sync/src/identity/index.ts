export type { DeviceCertificate, DeviceRevocation, DeviceRole } from './device-certificate.ts';
