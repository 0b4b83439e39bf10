import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import type { HearthError } from '../errors.ts';
import type { DeviceId } from '../ids.ts';
import {
  CannotRevokeHomeNodeError,
  DeviceAdminNotPairedError,
  DeviceAdminUnknownDeviceError,
} from './device-admin-errors.ts';
import {
  DEVICE_ADMIN_PROTOCOL,
  readDeviceAdminFrame,
  sendDeviceAdminFrame,
} from './device-admin-protocol.ts';
import type { LibraryAccess } from './library-access.ts';

/** Options of {@link createDeviceAdminServer}. */
export interface DeviceAdminServerOptions {
  node: Pick<Libp2p, 'handle' | 'unhandle' | 'peerId'>;
  /** who is paired, who is revoked, and each device's role (the home node's own access) */
  access: Pick<LibraryAccess, 'isPaired' | 'isRevoked' | 'certificates'>;
  /**
   * Revokes the device: signs the revocation with the library key and writes it into the
   * root document (the app's job: it holds the key; the same code path as its CLI).
   */
  revoke(deviceId: DeviceId, by: DeviceId): Promise<void>;
  /** Each request and its outcome, for logs. */
  onRequest?: (event: { by: string; deviceId?: string; ok: boolean; code?: string }) => void;
}

/** Serves `/hearth/device-admin/1` on the home node. */
export interface DeviceAdminServer {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_ID = 200;

/**
 * The home node's side of device management. The access check comes first: a peer that is
 * not a paired, unrevoked device gets only `DEVICE_ADMIN_NOT_PAIRED` (which tells it
 * nothing it does not know). No device may revoke this node, the one holding the library key;
 * a second home node can be revoked like any device.
 */
export function createDeviceAdminServer(options: DeviceAdminServerOptions): DeviceAdminServer {
  const { node, access } = options;
  const homeId = node.peerId.toString();

  /** Why `deviceId` may not be revoked, or undefined when it may. */
  function refusal(deviceId: string): HearthError | undefined {
    // This node holds the library key: without it nobody could pair or revoke again. A second
    // home node (a `home-node` certificate, no key) may go like any device.
    if (deviceId === homeId) return new CannotRevokeHomeNodeError();
    const cert = access.certificates().find((c) => c.deviceId === deviceId);
    if (!cert && !access.isRevoked(deviceId)) return new DeviceAdminUnknownDeviceError(deviceId);
    return undefined;
  }

  async function handle(stream: Stream, connection: Connection): Promise<void> {
    const by = connection.remotePeer.toString();
    const fail = async (code: string, deviceId?: string) => {
      options.onRequest?.({ by, ok: false, code, ...(deviceId === undefined ? {} : { deviceId }) });
      sendDeviceAdminFrame(stream, { t: 'err', code });
      await stream.close();
    };
    try {
      if (!access.isPaired(by)) return await fail(new DeviceAdminNotPairedError().code);
      const req = await readDeviceAdminFrame(stream);
      const deviceId = req?.['deviceId'];
      if (req?.['t'] !== 'revoke' || typeof deviceId !== 'string' || deviceId.length > MAX_ID) {
        options.onRequest?.({ by, ok: false, code: 'PROTOCOL_VIOLATION' });
        stream.abort(new Error('malformed request'));
        return;
      }
      const refused = refusal(deviceId);
      if (refused) return await fail(refused.code, deviceId);
      if (!access.isRevoked(deviceId)) {
        try {
          await options.revoke(deviceId as DeviceId, by as DeviceId);
        } catch (e) {
          return await fail((e as HearthError).code ?? 'DEVICE_ADMIN_FAILED', deviceId);
        }
      }
      options.onRequest?.({ by, deviceId, ok: true });
      sendDeviceAdminFrame(stream, { t: 'ok', deviceId });
      await stream.close();
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    }
  }

  return {
    async start() {
      await node.handle(DEVICE_ADMIN_PROTOCOL, handle, { maxInboundStreams: 2 });
    },
    async stop() {
      await node.unhandle(DEVICE_ADMIN_PROTOCOL);
    },
  };
}
