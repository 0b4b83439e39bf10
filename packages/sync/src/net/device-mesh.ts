import type { Connection, Libp2p, PeerId } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import type { PeerAccess } from './peer-access.ts';

/** What the mesh needs from a libp2p node. */
export type MeshNode = Pick<
  Libp2p,
  | 'peerId'
  | 'dial'
  | 'hangUp'
  | 'getConnections'
  | 'getMultiaddrs'
  | 'addEventListener'
  | 'removeEventListener'
>;

/** A circuit relay: its PeerId and the addresses this device dials it on (with or without `/p2p/<id>`). */
export interface MeshRelay {
  peerId: string;
  addrs: readonly string[];
}

/** Options of {@link startDeviceMesh}. */
export interface DeviceMeshOptions {
  node: MeshNode;
  /**
   * The home node, whose circuit relay carries the WebRTC signalling: its PeerId and the
   * addresses this device dials it on (with or without `/p2p/<id>`).
   */
  relay: MeshRelay;
  /**
   * Every relay that may carry the signalling (the library's home nodes), read on every round;
   * default `[relay]`. A device holds a reservation on each relay it is connected to (one
   * `/p2p-circuit` listen address per relay), and is dialled through every connected one, so
   * two browsers still meet with the first home node down and a second one up.
   */
  relays?: () => readonly MeshRelay[];
  /**
   * The devices to keep a direct connection to, read on every round (the library's paired
   * browser devices; this device, the relay and unpaired peers are skipped).
   */
  devices(): Iterable<string>;
  access: PeerAccess;
  /** First retry delay after a failed dial, doubled up to `maxRetryMs` (default 5 s / 60 s). */
  minRetryMs?: number;
  maxRetryMs?: number;
  /**
   * How long the relay may be connected without granting this device a reservation before
   * the mesh reconnects to it once (default 10 s); see `reconnectForReservation`.
   */
  reservationGraceMs?: number;
  /** One line per direct connection opened (either side dialled) and per failed dial. */
  log?: (line: string) => void;
}

/** A running mesh; `stop()` stops dialling (connections stay until the node hangs up). */
export interface DeviceMesh {
  /** Dials the devices that lack a direct connection now (e.g. after the device list changed). */
  refresh(): void;
  stop(): void;
}

/** Whether `c` is a direct (not relayed, not limited) WebRTC connection. */
export const isDirectWebRtc = (c: Connection): boolean =>
  c.status === 'open' && c.limits === undefined && /\/webrtc(\/|$)/.test(c.remoteAddr.toString());

/**
 * Keeps a direct WebRTC connection to every other paired device of the library, so catalog
 * sync between two browsers does not need the home node to carry it: each dial goes
 * `<home addr>/p2p/<home>/p2p-circuit/webrtc/p2p/<device>`, the home node's relay carries
 * only the SDP/ICE exchange, and the data then flows device to device. With several home
 * nodes (`relays`) each dial offers every connected one, so any home node that is up can
 * signal. A device that is offline (no reservation on any relay) is retried with backoff.
 * Nothing is dialled while no relay is connected: without one there is no way to signal.
 */
export function startDeviceMesh(opts: DeviceMeshOptions): DeviceMesh {
  const { node, relay, access } = opts;
  const minRetry = opts.minRetryMs ?? 5000;
  const maxRetry = opts.maxRetryMs ?? 60_000;
  const self = node.peerId.toString();
  const bare = (addrs: readonly string[]) => addrs.map((a) => a.replace(/\/p2p\/[^/]+$/, ''));
  const dialing = new Set<string>();
  const backoff = new Map<string, { delay: number; next: number }>();
  const grace = opts.reservationGraceMs ?? 10_000;
  let reconnected = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = (peer: string) => node.getConnections().filter((c) => c.remotePeer.toString() === peer);
  const isUp = (peer: string) => open(peer).some((c) => c.status === 'open' && c.limits === undefined);
  const allRelays = () => opts.relays?.() ?? [relay];
  /** the relays connected now, in the order given (the paired-with home node first) */
  const upRelays = () => allRelays().filter((r) => isUp(r.peerId));
  // The other device is dialling us right now (its relayed connection arrived moments ago):
  // dialling back would only make a second WebRTC connection.
  const beingDialled = (peer: string) =>
    open(peer).some(
      (c) => c.direction === 'inbound' && c.limits !== undefined && Date.now() - c.timeline.open < 20_000,
    );

  function schedule(): void {
    clearTimeout(timer);
    if (stopped) return;
    const next = Math.min(...[...backoff.values()].map((b) => b.next), Date.now() + minRetry);
    timer = setTimeout(refresh, Math.max(0, next - Date.now()));
  }

  function dial(peer: string): void {
    dialing.add(peer);
    // Through every connected relay: the other device may hold a reservation on only one.
    const addrs = upRelays().flatMap((r) =>
      bare(r.addrs).map((a) => multiaddr(`${a}/p2p/${r.peerId}/p2p-circuit/webrtc/p2p/${peer}`)),
    );
    node.dial(addrs, { signal: AbortSignal.timeout(30_000) }).then(
      () => {
        dialing.delete(peer);
        backoff.delete(peer);
      },
      (e: unknown) => {
        dialing.delete(peer);
        const delay = Math.min((backoff.get(peer)?.delay ?? minRetry / 2) * 2, maxRetry);
        backoff.set(peer, { delay, next: Date.now() + delay });
        opts.log?.(`no direct connection to ${peer} (retry in ${delay} ms): ${(e as Error).message}`);
        schedule();
      },
    );
  }

  /**
   * Others can dial this device only while it holds a reservation on the relay. libp2p asks
   * for one when it connects to a relay; a device paired over that very connection was
   * refused then (the relay serves paired devices only) and is not asked again until it
   * reconnects. So reconnect, once: a relay refusing for another reason (its reservation
   * store is full) must not cost the catalog its connection again and again. True when it
   * reconnects.
   */
  function reconnectForReservation(): boolean {
    if (node.getMultiaddrs().some((m) => m.toString().includes('/p2p-circuit'))) return false;
    const first = upRelays()[0];
    if (!first) return false;
    const conn = open(first.peerId).find((c) => c.status === 'open' && c.limits === undefined);
    if (!conn || reconnected || Date.now() - conn.timeline.open < grace) return false;
    reconnected = true;
    opts.log?.('no reservation on the relay: reconnecting to it so it is asked again');
    const addrs = bare(first.addrs).map((a) => multiaddr(`${a}/p2p/${first.peerId}`));
    node
      .hangUp(conn.remotePeer)
      .then(async () => node.dial(addrs, { signal: AbortSignal.timeout(30_000) }))
      .catch((e: unknown) => opts.log?.(`reconnecting to the relay failed: ${(e as Error).message}`));
    return true;
  }

  function refresh(): void {
    if (stopped) return;
    if (upRelays().length > 0 && !reconnectForReservation()) {
      const now = Date.now();
      const relayIds = new Set(allRelays().map((r) => r.peerId));
      for (const peer of new Set(opts.devices())) {
        if (peer === self || relayIds.has(peer) || dialing.has(peer) || !access.isPaired(peer)) continue;
        if (open(peer).some(isDirectWebRtc) || beingDialled(peer)) continue;
        if ((backoff.get(peer)?.next ?? 0) > now) continue;
        dial(peer);
      }
    }
    schedule();
  }

  const onPeer = (ev: CustomEvent<PeerId>) => {
    // A relay came (back): dial now. A device went away: try again at once, through the
    // relay, in case only the direct path broke.
    const peer = ev.detail.toString();
    if (allRelays().some((r) => r.peerId === peer)) backoff.clear();
    else backoff.delete(peer);
    refresh();
  };
  // Our own addresses changed: typically the relay reservation arrived, so others can dial us.
  const onSelf = () => refresh();
  const onOpen = (ev: CustomEvent<Connection>) => {
    const c = ev.detail;
    if (isDirectWebRtc(c))
      opts.log?.(
        `direct connection to ${c.remotePeer.toString()} over ${c.remoteAddr.toString()} (${c.direction})`,
      );
  };
  node.addEventListener('connection:open', onOpen);
  node.addEventListener('peer:connect', onPeer);
  node.addEventListener('peer:disconnect', onPeer);
  node.addEventListener('self:peer:update', onSelf);
  refresh();
  return {
    refresh,
    stop() {
      stopped = true;
      clearTimeout(timer);
      node.removeEventListener('connection:open', onOpen);
      node.removeEventListener('peer:connect', onPeer);
      node.removeEventListener('peer:disconnect', onPeer);
      node.removeEventListener('self:peer:update', onSelf);
    },
  };
}
