import { HearthError } from '../errors.ts';

/** The asking peer is not a paired, unrevoked device of the library. */
export class DeviceAdminNotPairedError extends HearthError {
  constructor() {
    super(
      'DEVICE_ADMIN_NOT_PAIRED',
      'this device is not a paired device of the library (or it was revoked): only paired devices may manage devices',
    );
  }
}

/** No paired or revoked device has this id. */
export class DeviceAdminUnknownDeviceError extends HearthError {
  constructor(deviceId: string) {
    super('UNKNOWN_DEVICE', `no paired device ${deviceId.slice(0, 80)} in this library`);
  }
}

/**
 * The home node holding the library key signs every certificate and revocation: no device may
 * revoke it (a second home node, which holds no key, may be revoked).
 */
export class CannotRevokeHomeNodeError extends HearthError {
  constructor() {
    super(
      'CANNOT_REVOKE_HOME_NODE',
      'the home node that holds the library key cannot be revoked from a device',
    );
  }
}

/** The request broke off (network, protocol) or the home node failed to carry it out. */
export class DeviceAdminFailedError extends HearthError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super('DEVICE_ADMIN_FAILED', `device management failed: ${reason}`, options);
  }
}

/** Maps an error code sent by the home node back to the typed error. */
export function deviceAdminErrorFromCode(code: unknown, deviceId: string): HearthError {
  switch (code) {
    case 'DEVICE_ADMIN_NOT_PAIRED':
      return new DeviceAdminNotPairedError();
    case 'UNKNOWN_DEVICE':
      return new DeviceAdminUnknownDeviceError(deviceId);
    case 'CANNOT_REVOKE_HOME_NODE':
      return new CannotRevokeHomeNodeError();
    default:
      return new DeviceAdminFailedError(`the home node answered ${JSON.stringify(code)}`);
  }
}
