/**
 * Batches "who has it" questions: hashes asked of a peer in the same tick go out as one
 * `has` request (up to MAX_HAS hashes each), so a replicator starting thousands of fetches
 * asks each peer a few times, not thousands. A failed or malformed answer counts as "no".
 */
import type { PeerId } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';
import { MAX_HAS } from './blob-protocol.ts';

/** Sends one `has` request; resolves with one boolean per hash, or undefined when it failed. */
export type AskHas = (peer: PeerId, hashes: string[]) => Promise<boolean[] | undefined>;

export function createHasBatcher(ask: AskHas): (peer: PeerId, hash: BlobHash) => Promise<boolean> {
  const batches = new Map<string, { peer: PeerId; waiters: Map<string, ((have: boolean) => void)[]> }>();

  function flush(key: string): void {
    const batch = batches.get(key);
    if (!batch) return;
    batches.delete(key);
    const hashes = [...batch.waiters.keys()];
    for (let o = 0; o < hashes.length; o += MAX_HAS) {
      const part = hashes.slice(o, o + MAX_HAS);
      const answer = (have: boolean[] | undefined) =>
        part.forEach((h, i) => batch.waiters.get(h)?.forEach((w) => w(have?.[i] === true)));
      ask(batch.peer, part).then(answer, () => answer(undefined));
    }
  }

  return (peer, hash) => {
    const key = peer.toString();
    let batch = batches.get(key);
    if (!batch) {
      batch = { peer, waiters: new Map() };
      batches.set(key, batch);
      queueMicrotask(() => flush(key));
    }
    const waiters = batch.waiters.get(hash) ?? [];
    batch.waiters.set(hash, waiters);
    return new Promise<boolean>((resolve) => waiters.push(resolve));
  };
}
