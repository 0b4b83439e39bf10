/**
 * The blob client's outbound streams: up to `perPeer` `/hearth/blob/2` sessions per peer,
 * dialled on demand and shared by every fetch (a request goes to the least busy one), and
 * a time limit on each request.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import { BLOB_PROTOCOL, OLD_BLOB_PROTOCOLS } from './blob-protocol.ts';
import { createBlobSession, type BlobSession } from './blob-session.ts';
import { BlobPeerError, BlobVersionError } from './errors.ts';

/** What the pool needs from a libp2p node. */
export type SessionPoolNode = Pick<Libp2p, 'dialProtocol'>;

/** Sessions per peer, shared by all fetches. */
export interface SessionPool {
  /** A session to `peer`: a new stream while fewer than `perPeer` are open, else the least busy. */
  session(peer: PeerId): Promise<BlobSession>;
  /** Closes every session (requests under way are rejected). */
  close(): void;
}

type PoolEntry = { promise: Promise<BlobSession>; session?: BlobSession; failed?: boolean };

/**
 * Sessions of up to `perPeer` streams per peer. A dial (connection, protocol negotiation) that
 * takes over `dialTimeoutMs` fails the session with a BlobPeerError: a peer that accepts a
 * connection and then says nothing must not hold a fetch forever (the fetch moves on to the
 * next peer that has the blob).
 */
export function createSessionPool(
  node: SessionPoolNode,
  perPeer: number,
  dialTimeoutMs = 30_000,
): SessionPool {
  const sessions = new Map<string, PoolEntry[]>();

  return {
    // The pool is updated synchronously (no await before a stream is added), so many fetches
    // starting at once share `perPeer` streams instead of each dialling its own.
    session(peer) {
      const key = peer.toString();
      const list = (sessions.get(key) ?? []).filter((e) => !e.failed && !e.session?.closed);
      sessions.set(key, list);
      if (list.length < perPeer) {
        const signal = AbortSignal.timeout(dialTimeoutMs);
        const entry: PoolEntry = {
          promise: node
            .dialProtocol(peer, [BLOB_PROTOCOL, ...OLD_BLOB_PROTOCOLS], { signal })
            .catch((e: unknown) => {
              throw signal.aborted
                ? new BlobPeerError(key, { cause: new Error(`dial not answered in ${dialTimeoutMs} ms`) })
                : e;
            })
            .then((stream) => {
              // Offering the old versions too tells "too old" apart from "does not serve blobs".
              if (stream.protocol !== BLOB_PROTOCOL) {
                stream.abort(new Error('old blob protocol'));
                throw new BlobVersionError(key, stream.protocol ?? 'an unknown protocol', BLOB_PROTOCOL);
              }
              return (entry.session = createBlobSession(key, stream));
            }),
        };
        entry.promise.catch(() => (entry.failed = true));
        list.push(entry);
        return entry.promise;
      }
      const ready = list.filter((e) => e.session);
      if (ready.length === 0) return list[0]!.promise;
      return Promise.resolve(ready.map((e) => e.session!).reduce((x, y) => (y.pending < x.pending ? y : x)));
    },
    close() {
      for (const list of sessions.values())
        for (const e of list)
          void e.promise.then(
            (s) => s.close(),
            () => undefined,
          );
      sessions.clear();
    },
  };
}

/** `p`, or a BlobPeerError (a broken connection, for the caller) when it takes over `ms`. */
export function timed<T>(p: Promise<T>, ms: number, what: string, peer: PeerId): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(
      () =>
        reject(
          new BlobPeerError(peer.toString(), {
            cause: new Error(`${what} not answered in ${ms} ms`),
          }),
        ),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
