/**
 * This device's identity in IndexedDB (`hearth-device`): its libp2p key (so its PeerId and
 * certificate survive reloads) and what pairing granted. Small, read by page and worker.
 */
import { openDB, type DBSchema } from 'idb';
import type { PairingInfo } from './peer-protocol.ts';

interface DeviceSchema extends DBSchema {
  /** `deviceKey` → protobuf bytes of the Ed25519 key; `pairing` → PairingInfo */
  kv: { key: string; value: Uint8Array | PairingInfo };
}

const open = () =>
  openDB<DeviceSchema>('hearth-device', 1, {
    upgrade(d) {
      d.createObjectStore('kv');
    },
  });

export async function loadDeviceKeyBytes(): Promise<Uint8Array | undefined> {
  const db = await open();
  try {
    return (await db.get('kv', 'deviceKey')) as Uint8Array | undefined;
  } finally {
    db.close();
  }
}

export async function saveDeviceKeyBytes(bytes: Uint8Array): Promise<void> {
  const db = await open();
  try {
    await db.put('kv', bytes, 'deviceKey');
  } finally {
    db.close();
  }
}

export async function loadPairing(): Promise<PairingInfo | undefined> {
  const db = await open();
  try {
    return (await db.get('kv', 'pairing')) as PairingInfo | undefined;
  } finally {
    db.close();
  }
}

export async function savePairing(info: PairingInfo): Promise<void> {
  const db = await open();
  try {
    await db.put('kv', info, 'pairing');
  } finally {
    db.close();
  }
}
