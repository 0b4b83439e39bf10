import type { Stream } from '@libp2p/interface';
import * as lp from 'it-length-prefixed';
import { decode, encode } from 'cborg';
import { ProtocolViolationError } from './errors.ts';

/**
 * libp2p protocol id of device management: a paired device asks the home node (which holds
 * the library key) to revoke a device. One request and one answer per stream.
 */
export const DEVICE_ADMIN_PROTOCOL = '/hearth/device-admin/1';
/** Requests and answers are a few hundred bytes; anything bigger is an attack. */
export const MAX_DEVICE_ADMIN_FRAME = 4 * 1024;

/** The frames of `/hearth/device-admin/1`. */
export type DeviceAdminFrame =
  { t: 'revoke'; deviceId: string } | { t: 'ok'; deviceId: string } | { t: 'err'; code: string };

export function sendDeviceAdminFrame(stream: Stream, frame: DeviceAdminFrame): void {
  stream.send(lp.encode.single(encode(frame)));
}

/** The first frame of the stream, decoded but not validated; undefined when it ends first. */
export async function readDeviceAdminFrame(stream: Stream): Promise<Record<string, unknown> | undefined> {
  for await (const chunk of lp.decode(stream, { maxDataLength: MAX_DEVICE_ADMIN_FRAME })) {
    let v: unknown;
    try {
      v = decode(chunk.subarray());
    } catch {
      throw new ProtocolViolationError(DEVICE_ADMIN_PROTOCOL, 'malformed frame');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ProtocolViolationError(DEVICE_ADMIN_PROTOCOL, 'malformed frame');
    return v as Record<string, unknown>;
  }
  return undefined;
}
