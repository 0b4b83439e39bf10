import { readFile } from 'node:fs/promises';
import type { PrivateKey } from '@libp2p/interface';
import { exportDeviceKey, generateDeviceKey, importDeviceKey } from '@hearth/sync';
import { writeFileAtomic } from './write-file-atomic.ts';

/** The node's own libp2p key (its PeerId), kept across restarts in a 0600 file. */
export async function loadOrCreateDeviceKey(path: string): Promise<PrivateKey> {
  try {
    return importDeviceKey(await readFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = await generateDeviceKey();
  if (!(await writeFileAtomic(path, exportDeviceKey(key), { mode: 0o600, exclusive: true })))
    return importDeviceKey(await readFile(path));
  return key;
}
