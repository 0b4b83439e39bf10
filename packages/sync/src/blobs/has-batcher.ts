/**
 * Batches "who has it" questions: hashes asked of a peer in the same tick go out as one
 * `has` request (up to MAX_HAS hashes each), so a replicator starting thousands of fetches
 * asks each peer a few times, not thousands. A failed or malformed answer counts as "no".
 */
import type { PeerId } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';
import { MAX_HAS } from './blob-protocol.ts';
import { createPeerBatcher } from './peer-batcher.ts';

/** Sends one `has` request; resolves with one boolean per hash, or undefined when it failed. */
export type AskHas = (peer: PeerId, hashes: string[]) => Promise<boolean[] | undefined>;

export function createHasBatcher(ask: AskHas): (peer: PeerId, hash: BlobHash) => Promise<boolean> {
  const batched = createPeerBatcher<boolean>(ask, MAX_HAS);
  return async (peer, hash) => (await batched(peer, hash)) === true;
}
