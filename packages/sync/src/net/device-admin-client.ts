import type { Libp2p, PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { DeviceAdminFailedError, deviceAdminErrorFromCode } from './device-admin-errors.ts';
import {
  DEVICE_ADMIN_PROTOCOL,
  readDeviceAdminFrame,
  sendDeviceAdminFrame,
} from './device-admin-protocol.ts';
import { withTimeout } from './with-timeout.ts';

/**
 * Asks the home node to revoke `deviceId` over `/hearth/device-admin/1` (the home node holds
 * the library key; it signs the revocation and writes it into the root document, which then
 * reaches every peer). Resolves once the node has written it; throws
 * DeviceAdminNotPairedError, DeviceAdminUnknownDeviceError, CannotRevokeHomeNodeError or
 * DeviceAdminFailedError.
 */
export async function requestRevocation(
  node: Pick<Libp2p, 'dialProtocol'>,
  home: PeerId | string,
  deviceId: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const peer = typeof home === 'string' ? peerIdFromString(home) : home;
  const run = async (): Promise<void> => {
    let stream;
    try {
      stream = await node.dialProtocol(peer, DEVICE_ADMIN_PROTOCOL);
    } catch (e) {
      throw new DeviceAdminFailedError('cannot reach the home node', { cause: e });
    }
    try {
      sendDeviceAdminFrame(stream, { t: 'revoke', deviceId });
      let answer;
      try {
        answer = await readDeviceAdminFrame(stream);
      } catch (e) {
        throw new DeviceAdminFailedError('the connection to the home node broke off', { cause: e });
      }
      if (answer?.['t'] === 'err') throw deviceAdminErrorFromCode(answer['code'], deviceId);
      if (answer?.['t'] !== 'ok' || answer['deviceId'] !== deviceId)
        throw new DeviceAdminFailedError('no valid answer from the home node');
      await stream.close().catch(() => {});
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
      throw e;
    }
  };
  return withTimeout(run(), options.timeoutMs ?? 15_000, 'device revocation');
}
