import type { Connection, Libp2p } from '@libp2p/interface';
import type { DeviceRevocation } from '../identity/device-certificate.ts';
import type { PeerAccess } from './peer-access.ts';
import { sendRevocationNotice } from './revocation-notice.ts';

/** Options of {@link createRevocationCourier}. */
export interface RevocationCourierOptions {
  /**
   * The signed revocation of `peer` to carry (the root document's), or undefined: the
   * connection is then closed without a word.
   */
  revocationOf(peer: string): Promise<DeviceRevocation | undefined> | DeviceRevocation | undefined;
  /** An admitted connection is closed at the latest this long after it opened (default 5 s). */
  closeWithinMs?: number;
  /** A revoked peer gets at most one connection per this interval (default 60 s). */
  perPeerIntervalMs?: number;
  /** At most this many notice connections at once (default 8). */
  maxConcurrent?: number;
  /** Clock, for the rate limit. */
  now?: () => number;
}

/** See {@link createRevocationCourier}. */
export interface RevocationCourier {
  /**
   * Connection gater side: whether a revoked peer's inbound connection may go through to be
   * told. Admitting counts against the peer's rate limit; a refusal leaves the gater's deny.
   */
  admit(peer: string): boolean;
  /** Delivers on `node` until the returned stop function runs (or the node stops). */
  start(node: Pick<Libp2p, 'addEventListener' | 'removeEventListener'>, access: PeerAccess): () => void;
}

/**
 * Tells a device revoked while it was offline that it was removed, when it comes back. The
 * connection gater refuses a revoked peer after Noise proves who it is, so without this it
 * redials for ever and never learns why. The courier lets such a connection through (rate
 * limited per peer and overall), opens `/hearth/revoked/1` over it, sends the library key's
 * signed revocation and closes it within a bound whether the device reads or not. Every
 * protocol handler still refuses the peer meanwhile: the access check, not the gater, says
 * who is paired, and a revoked peer is not.
 */
export function createRevocationCourier(options: RevocationCourierOptions): RevocationCourier {
  const closeWithinMs = options.closeWithinMs ?? 5000;
  const interval = options.perPeerIntervalMs ?? 60_000;
  const maxConcurrent = options.maxConcurrent ?? 8;
  const now = options.now ?? Date.now;
  const lastAdmitted = new Map<string, number>();
  // Admitted and not yet closed; an entry whose connection never opened expires by time.
  const inFlight = new Map<string, number>();

  const forget = (t: number) => {
    for (const [p, at] of inFlight) if (t - at > closeWithinMs + 1000) inFlight.delete(p);
    // Bounded by the number of revoked devices anyway; pruned so it never only grows.
    if (lastAdmitted.size > 1024)
      for (const [p, at] of lastAdmitted) if (t - at >= interval) lastAdmitted.delete(p);
  };

  return {
    admit(peer) {
      const t = now();
      forget(t);
      const last = lastAdmitted.get(peer);
      if (last !== undefined && t - last < interval) return false;
      if (inFlight.has(peer) || inFlight.size >= maxConcurrent) return false;
      lastAdmitted.set(peer, t);
      inFlight.set(peer, t);
      return true;
    },
    start(node, access) {
      const timers = new Set<ReturnType<typeof setTimeout>>();
      const deliver = async (conn: Connection) => {
        const peer = conn.remotePeer.toString();
        // Whatever happens below, the connection does not outlive the bound.
        const timer = setTimeout(() => conn.abort(new Error('revocation notice: time is up')), closeWithinMs);
        timers.add(timer);
        try {
          const rev = await Promise.resolve(options.revocationOf(peer)).catch(() => undefined);
          if (rev && rev.deviceId === peer)
            await sendRevocationNotice(
              // Over this very connection: the gater refuses dialling a revoked peer.
              { dialProtocol: async (_p, protocol, o) => conn.newStream(protocol, o) },
              conn.remotePeer,
              rev,
              { timeoutMs: Math.max(closeWithinMs - 1000, 500) },
            );
        } finally {
          await conn.close({ signal: AbortSignal.timeout(1000) }).catch((e: unknown) => {
            conn.abort(e instanceof Error ? e : new Error(String(e)));
          });
          clearTimeout(timer);
          timers.delete(timer);
          inFlight.delete(peer);
        }
      };
      const onOpen = (evt: CustomEvent<Connection>) => {
        if (access.isRevoked?.(evt.detail.remotePeer.toString())) void deliver(evt.detail).catch(() => {});
      };
      const stop = () => {
        node.removeEventListener('connection:open', onOpen);
        node.removeEventListener('stop', stop);
        for (const t of timers) clearTimeout(t);
        timers.clear();
      };
      node.addEventListener('connection:open', onOpen);
      node.addEventListener('stop', stop, { once: true });
      return stop;
    },
  };
}
