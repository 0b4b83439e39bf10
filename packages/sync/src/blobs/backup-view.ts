/**
 * "Backed up": a home node answers that it holds the blob. The home nodes are asked over
 * `/hearth/blob/2` (`has`), so the answer is the home node's own store, not a catalog
 * claim that might be ahead of the bytes.
 */
import type { PeerId } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';
import type { BlobClient } from './blob-client.ts';
import type { BackupView } from './pin-policy.ts';

export function homeNodeBackupView(
  client: Pick<BlobClient, 'whoHas'>,
  homeNodes: () => PeerId[],
): BackupView {
  return {
    isBackedUp: async (hash: BlobHash) => {
      const homes = homeNodes();
      return homes.length > 0 && (await client.whoHas(hash, homes)).length > 0;
    },
  };
}
