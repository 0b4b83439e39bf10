/**
 * Batches per-hash questions to a peer: hashes asked of the same peer in the same tick go
 * out as one request (up to `max` hashes each), and while `inflight` requests to a peer are
 * unanswered, new questions wait and go out together when one returns (self-clocking: the
 * busier the link, the bigger the batches). Used for "which small blobs can you send
 * inline" (`smalls`): a replicator fetching thousands of thumbnails sends one request per
 * batch, not one per thumbnail. A failed or malformed answer resolves every waiter with undefined.
 */
import type { PeerId } from '@libp2p/interface';
import type { BlobHash } from '../ids.ts';

/** Sends one request; resolves with one answer per hash, or undefined when it failed. */
export type AskMany<T> = (peer: PeerId, hashes: string[]) => Promise<(T | undefined)[] | undefined>;

export function createPeerBatcher<T>(
  ask: AskMany<T>,
  max: number,
  inflight = Infinity,
): (peer: PeerId, hash: BlobHash) => Promise<T | undefined> {
  const batches = new Map<string, { peer: PeerId; waiters: Map<string, ((a: T | undefined) => void)[]> }>();
  const busy = new Map<string, number>();

  function flush(key: string): void {
    const batch = batches.get(key);
    if (!batch || (busy.get(key) ?? 0) >= inflight) return;
    batches.delete(key);
    const hashes = [...batch.waiters.keys()];
    for (let o = 0; o < hashes.length; o += max) {
      const part = hashes.slice(o, o + max);
      const answer = (got: (T | undefined)[] | undefined) => {
        const left = (busy.get(key) ?? 1) - 1;
        if (left > 0) busy.set(key, left);
        else busy.delete(key);
        part.forEach((h, i) => batch.waiters.get(h)?.forEach((w) => w(got?.[i])));
        // Questions that queued up meanwhile go out together, after the waiters have run.
        queueMicrotask(() => flush(key));
      };
      busy.set(key, (busy.get(key) ?? 0) + 1);
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
    return new Promise<T | undefined>((resolve) => waiters.push(resolve));
  };
}
