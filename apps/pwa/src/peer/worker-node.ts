/**
 * This device's one libp2p node in the peer worker, and the addresses it may dial. Kept as a
 * promise so that calls racing at start-up (the page's first library call and its `connect`)
 * share it: two nodes with the same key would both reach the home node as the same peer, and
 * a redial through one would leave the catalog's node offline for good.
 */
import {
  exportDeviceKey,
  generateDeviceKey,
  importDeviceKey,
  type IceServerList,
  type PeerAccess,
  type PeerNode,
} from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { loadDeviceKeyBytes, saveDeviceKeyBytes } from './device-store.idb.ts';

/**
 * How many relay reservations the node asks for: one per home node it is connected to, so
 * other browsers can signal to it through any of them (see worker-mesh.ts). libp2p makes one
 * reservation per `/p2p-circuit` listen address, on relays it is connected to; a slot left
 * without a relay costs nothing but a look among the peers it is connected to.
 */
export const RELAY_SLOTS = 3;

type DeviceKey = Awaited<ReturnType<typeof importDeviceKey>>;

export interface WorkerNodeOptions {
  access: PeerAccess;
  /** STUN/TURN servers, read at each new WebRTC connection */
  iceServers: () => IceServerList;
  beforeCutOff: (peer: string) => Promise<boolean>;
  /** the number of connected peers, after each change */
  onPeers: (count: number) => void;
}

export interface WorkerNode {
  /** The node (created on the first call), allowed to dial `addrs` too. */
  ensure(addrs: readonly string[]): Promise<PeerNode>;
  /** Lets the node dial these addresses from now on (home nodes learnt later). */
  allow(addrs: readonly string[]): void;
  /** Stops the node and makes a new device key: a revoked key is refused for good. */
  renewKey(): Promise<void>;
  /** This device's key (made and saved on first use). */
  deviceKey(): Promise<DeviceKey>;
}

export function createWorkerNode(opts: WorkerNodeOptions): WorkerNode {
  let node: Promise<PeerNode> | undefined;
  /**
   * Address prefixes the node may dial although libp2p's browser default refuses them (plain
   * `/ws`, private hosts): every known home node's. The node's gater reads this very array at
   * each dial, so home nodes learnt later are added to it.
   */
  const allowDial: string[] = [];
  const allow = (addrs: readonly string[]) => {
    for (const a of addrs) {
      const prefix = a.replace(/\/p2p\/[^/]+$/, '');
      if (!allowDial.includes(prefix)) allowDial.push(prefix);
    }
  };
  async function deviceKey() {
    const bytes = await loadDeviceKeyBytes();
    if (bytes) return importDeviceKey(bytes);
    const key = await generateDeviceKey();
    await saveDeviceKeyBytes(exportDeviceKey(key));
    return key;
  }
  return {
    allow,
    deviceKey,
    ensure(addrs) {
      allow(addrs);
      if (node) return node;
      const p = (async () => {
        const n = await createPeerNode({
          privateKey: await deviceKey(),
          allowDial,
          access: opts.access,
          iceServers: opts.iceServers,
          beforeCutOff: opts.beforeCutOff,
          listen: [...Array<string>(RELAY_SLOTS).fill('/p2p-circuit'), '/webrtc'],
        });
        const report = () => opts.onPeers(n.getPeers().length);
        n.addEventListener('peer:connect', report);
        n.addEventListener('peer:disconnect', report);
        return n;
      })();
      node = p;
      void p.catch(() => {
        if (node === p) node = undefined;
      });
      return p;
    },
    async renewKey() {
      const old = node;
      node = undefined;
      await (await old?.catch(() => undefined))?.stop();
      await saveDeviceKeyBytes(exportDeviceKey(await generateDeviceKey()));
    },
  };
}
