/**
 * The peer worker's connections to the home nodes: it dials every home node it knows (the
 * paired-with one and each second home node the root document announced), keeps them
 * connected (redial with backoff, at once when the browser is back online) and keeps what the
 * root document says about them with the pairing, for the next reload.
 */
import type { PeerNode } from '@hearth/sync';
import { multiaddr } from '@multiformats/multiaddr';
import { loadPairing, savePairing } from './device-store.idb.ts';
import type { CatalogPeer } from '../catalog/open-catalog-peer.ts';
import { knownHomes, learnHomeNodes, type KnownHome } from './home-nodes.ts';
import { PwaError } from '../errors.ts';
import type { PairingInfo } from './peer-protocol.ts';
import type { WorkerNode } from './worker-node.ts';

export interface HomeDialer {
  /** Every home node of `info` (or of the pairing as last saved), the paired-with one first. */
  homes(info: PairingInfo): KnownHome[];
  /** The pairing as saved now (home nodes learnt since the worker started included). */
  setPairing(info: PairingInfo): void;
  /**
   * Dials every known home node not connected now, resolving once one of them answers:
   * whichever is up serves this device. Rejects when none is reachable.
   */
  dial(info: PairingInfo): Promise<void>;
  /**
   * Keeps the home nodes connected; returns what to call when the page reports the network
   * state, and what dials the home nodes not connected now.
   */
  keep(n: PeerNode, info: PairingInfo): { network: (online: boolean) => void; redial: () => void };
  /** Keeps the home nodes announced in the root document with the pairing, and dials new ones. */
  follow(peer: CatalogPeer, info: PairingInfo): void;
  /**
   * Stops dialling for good: this device was removed from the library, and every home node
   * refuses it at the handshake, so redialling would only knock on closed doors for ever.
   * `dial` then rejects with DEVICE_REMOVED (pairing again makes a new key and a new worker
   * node; the page reloads onto it).
   */
  stop(): void;
  /** Whether {@link stop} was called. */
  stopped(): boolean;
}

/** What `dial` rejects with once the device was removed. */
export const removedError = () =>
  new PwaError(
    'DEVICE_REMOVED',
    'this device was removed from the library and no longer connects to it: pair it again under Devices',
  );

export function createHomeDialer(scope: WorkerGlobalScope, node: WorkerNode): HomeDialer {
  let pairingNow: PairingInfo | undefined;
  /** dials the known home nodes not connected now (after the root document named a new one) */
  let redialHomes: (() => void) | undefined;
  let stopped = false;
  /** clears the redial timer of `keep` */
  let stopKeeping: (() => void) | undefined;
  const homes = (info: PairingInfo): KnownHome[] => knownHomes(pairingNow ?? info, scope.location.origin);
  const connectedTo = (n: PeerNode, id: string) => n.getPeers().some((p) => p.toString() === id);

  async function dial(info: PairingInfo): Promise<void> {
    if (stopped) throw removedError();
    const all = homes(info);
    const n = await node.ensure(all.flatMap((h) => h.addrs));
    const todo = all.filter((h) => h.addrs.length > 0 && !connectedTo(n, h.id));
    if (todo.length === 0) {
      if (all.some((h) => connectedTo(n, h.id))) return;
      throw new PwaError('HOME_OFFLINE', 'no address of a home node is known');
    }
    await Promise.any(todo.map(async (h) => n.dial(h.addrs.map((a) => multiaddr(a))))).catch((e: unknown) => {
      throw (e as AggregateError).errors?.[0] ?? e;
    });
  }

  /**
   * Keeps the home nodes connected: redials one that drops (backoff up to 30 s), at once when
   * the browser says it is back online, so edits made offline sync without a reload, and when
   * the root document names a home node not dialled yet (`redial`). A worker does not always
   * get the `online`/`offline` events itself (Chromium's offline mode sends them only to the
   * page), so the page reports them too.
   */
  function keep(n: PeerNode, info: PairingInfo): { network: (online: boolean) => void; redial: () => void } {
    let delay = 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const allConnected = () => homes(info).every((h) => connectedTo(n, h.id));
    // Every known home node is dialled until connected: while the first is down the second
    // serves, and the first is picked up again (within 30 s) once it is back.
    const again = () => {
      if (stopped) return;
      timer = setTimeout(redial, delay);
      delay = Math.min(delay * 2, 30_000);
    };
    const redial = () => {
      clearTimeout(timer);
      timer = undefined;
      if (stopped || allConnected()) return;
      dial(info).then(() => {
        if (allConnected()) delay = 1000;
        else again();
      }, again);
    };
    n.addEventListener('peer:disconnect', (ev) => {
      const id = ev.detail.toString();
      if (!stopped && homes(info).some((h) => h.id === id) && timer === undefined)
        timer = setTimeout(redial, delay);
    });
    // Chromium's offline mode does not stop WebRTC: a direct connection to another device that
    // finishes opening after the hang-up below (its signalling was under way) would live on.
    // Every connection, not a peer's first only: a second one to a device being hung up opens
    // without `peer:connect`, and outlived the hang-up (seen in catalog-sync.e2e under load).
    let offline = false;
    n.addEventListener('connection:open', (ev) => {
      if (!offline) return;
      const peer = ev.detail.remotePeer;
      console.info(`offline: hanging up ${peer.toString()}, a connection opened meanwhile`);
      n.hangUp(peer).catch((e: unknown) => console.info('hang-up failed:', e));
    });
    const network = (online: boolean) => {
      offline = !online;
      if (online) {
        delay = 1000;
        redial();
        return;
      }
      // Offline, Chromium keeps the WebSocket open but silent, and libp2p would notice only
      // when a keep-alive ping fails, 10-60 s later. Hang up now: the status tells the truth
      // and nothing more is written into the void. The node's end of it may live on half-open;
      // the redial replaces it (Libp2pNetworkAdapter restarts the link on the new hello).
      // Direct WebRTC links to other devices go too (offline means offline); the device mesh
      // dials them again once the home node is back.
      // Logged each way: a hang-up that never ends shows as a peer that stays counted.
      const peers = n.getPeers();
      console.info(`offline: hanging up ${peers.length} peer(s): ${peers.join(', ')}`);
      for (const peer of peers)
        n.hangUp(peer).then(
          () => console.info(`offline: hung up ${peer.toString()}`),
          (e: unknown) => console.info('hang-up failed:', e),
        );
    };
    scope.addEventListener('online', () => network(true));
    scope.addEventListener('offline', () => network(false));
    stopKeeping = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    redialHomes = () => {
      if (offline) return;
      delay = 1000;
      redial();
    };
    return { network, redial: () => redialHomes?.() };
  }

  function follow(peer: CatalogPeer, info: PairingInfo): void {
    let learning = Promise.resolve();
    const learn = () => {
      learning = learning
        .then(async () => {
          const now = (await loadPairing()) ?? info;
          const homeNodes = await learnHomeNodes(peer.root.doc(), now);
          if (!homeNodes) return;
          pairingNow = { ...now, homeNodes };
          await savePairing(pairingNow);
          node.allow(homes(pairingNow).flatMap((h) => h.addrs));
          redialHomes?.();
        })
        .catch((e: unknown) => console.info('home node addresses:', e));
    };
    peer.root.on('change', learn);
    learn();
  }

  return {
    homes,
    setPairing: (info) => (pairingNow = info),
    dial,
    keep,
    follow,
    stop() {
      stopped = true;
      stopKeeping?.();
    },
    stopped: () => stopped,
  };
}
