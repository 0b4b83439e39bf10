import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';
import type { PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { asDeviceId, type DeviceId } from '../ids.ts';
import { InvalidKeyError } from './errors.ts';

/**
 * A device's own key: its libp2p identity. Kept across restarts so the device keeps its
 * PeerId and with it its certificate.
 */
export async function generateDeviceKey(): Promise<PrivateKey> {
  return generateKeyPair('Ed25519');
}

/** The DeviceId (PeerId string) a device key stands for. */
export function deviceIdOf(key: PrivateKey): DeviceId {
  return asDeviceId(peerIdFromPrivateKey(key).toString());
}

/** Bytes for the device key file (write it 0600). */
export function exportDeviceKey(key: PrivateKey): Uint8Array {
  return privateKeyToProtobuf(key);
}

export function importDeviceKey(bytes: Uint8Array): PrivateKey {
  try {
    return privateKeyFromProtobuf(bytes);
  } catch (e) {
    throw new InvalidKeyError('device key file', { cause: e });
  }
}
