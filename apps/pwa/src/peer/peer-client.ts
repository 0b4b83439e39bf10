/**
 * The page's side of the peer worker: pairing, connecting to the home node, and the number
 * of connected peers for the sync status. The worker (libp2p and its crypto) is loaded only
 * when the device pairs or is paired, so it never delays the first paint.
 */
import type { NodeStatus } from '@hearth/sync';
import { createSignal } from 'solid-js';
import { PwaError } from '../errors.ts';
import { loadPairing } from './device-store.idb.ts';
import type { LibraryChange } from '../library/library-client.ts';
import { hostWorkerRtc } from './rtc-host.ts';
import type { PairingInfo, PeerDevice, PeerReply, PeerRequest, SyncCounts } from './peer-protocol.ts';
import type { LibraryTransport } from './worker-library.ts';
import type { SearchFilters, SearchResult } from '../search/search-types.ts';

/** Pairing or connecting failed; `code` is the home node's or the sync package's. */
export class PeerError extends PwaError {}

/** See the file comment. */
export interface PeerClient extends LibraryTransport {
  pairing(): Promise<PairingInfo | undefined>;
  pair(link: string, name: string): Promise<PairingInfo>;
  /** dials the paired home node (no-op when unpaired) */
  connect(): Promise<void>;
  /** every device of the library, from the synced root document */
  devices(): Promise<PeerDevice[]>;
  /** asks the home node to revoke a device; throws a PeerError with the node's code */
  revokeDevice(deviceId: string): Promise<void>;
  peers(): number;
  /** when the home node said this device was revoked (this session); see also `pairing().revokedAt` */
  removed(): number | undefined;
  /** documents pending with the home node each way (undefined: not known yet) */
  syncPending(): SyncCounts | undefined;
  /** what the home node is doing (`/hearth/status/1`); undefined: not known (not connected) */
  nodeStatus(): NodeStatus | undefined;
  /** searches the synced catalog in the worker (paired devices only) */
  search(query: string, filters: SearchFilters): Promise<SearchResult>;
  /** `listener` runs when the worker's search index changed (a shown answer may be asked again) */
  onSearchChange(listener: () => void): () => void;
  stop(): void;
}

type Pending = { resolve: (r: PeerReply) => void; progress?: (done: number, total: number) => void };
type Req = PeerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export function createPeerClient(): PeerClient {
  let worker: Worker | undefined;
  let stopRtc: (() => void) | undefined;
  const pending = new Map<number, Pending>();
  const [peers, setPeers] = createSignal(0);
  const [removed, setRemoved] = createSignal<number>();
  const [syncPending, setSyncPending] = createSignal<SyncCounts | undefined>();
  const [nodeStatus, setNodeStatus] = createSignal<NodeStatus | undefined>();
  const libraryListeners = new Set<(change: LibraryChange) => void>();
  const searchListeners = new Set<() => void>();
  let next = 0;

  let ready: Promise<Worker> | undefined;
  // Posted once the worker is ready: earlier messages would be lost.
  const reportNetwork = () =>
    void ready?.then((w) => w.postMessage({ t: 'network', online: navigator.onLine } satisfies PeerRequest));
  function start(): Promise<Worker> {
    ready ??= new Promise((resolve) => {
      const w = new Worker(new URL('./peer.worker.ts', import.meta.url), {
        type: 'module',
        name: 'hearth-peer',
      });
      worker = w;
      // The worker's WebRTC peer connections live here (browsers offer them only in a window).
      stopRtc = hostWorkerRtc(w);
      // The worker may not get these events itself (Chromium's offline mode sends them only
      // to the page); it hangs up when offline and redials at once when back.
      window.addEventListener('online', reportNetwork);
      window.addEventListener('offline', reportNetwork);
      w.onmessage = (ev: MessageEvent<PeerReply>) => {
        const m = ev.data;
        if (m.t === 'ready') resolve(w);
        else if (m.t === 'peers') setPeers(m.count);
        else if (m.t === 'removed') setRemoved(m.revokedAt);
        else if (m.t === 'lib-progress') pending.get(m.id)?.progress?.(m.done, m.total);
        else if (m.t === 'sync') setSyncPending(m.pending ?? undefined);
        else if (m.t === 'node-status') setNodeStatus(m.status ?? undefined);
        else if (m.t === 'lib-change') for (const l of libraryListeners) l(m.change);
        else if (m.t === 'search-change') for (const l of searchListeners) l();
        // A mark on the page's timeline: the e2e proves the first tiles were painted before it.
        else if (m.t === 'catalog-open')
          performance.mark('hearth:catalog-open', { startTime: m.at - performance.timeOrigin });
        else pending.get(m.id)?.resolve(m);
      };
    });
    return ready;
  }

  async function call(req: Req, progress?: Pending['progress']): Promise<PeerReply> {
    const w = await start();
    const id = next++;
    try {
      return await new Promise<PeerReply>((resolve) => {
        pending.set(id, { resolve, ...(progress && { progress }) });
        w.postMessage({ ...req, id });
      });
    } finally {
      pending.delete(id);
    }
  }

  return {
    pairing: loadPairing,
    async pair(link, name) {
      const r = await call({ t: 'pair', link, name });
      if (r.t === 'paired') return r.info;
      if (r.t === 'error') throw new PeerError(r.code, r.message);
      throw new PeerError('PEER_PROTOCOL', 'unexpected answer from the peer worker; reload the app');
    },
    async connect() {
      if (!(await loadPairing())) return;
      const r = await call({ t: 'connect' });
      if (r.t === 'error') throw new PeerError(r.code, r.message);
    },
    async devices() {
      const r = await call({ t: 'devices' });
      if (r.t === 'devices') return r.devices;
      if (r.t === 'error') throw new PeerError(r.code, r.message);
      throw new PeerError('PEER_PROTOCOL', 'unexpected answer from the peer worker; reload the app');
    },
    async revokeDevice(deviceId) {
      const r = await call({ t: 'revoke', deviceId });
      if (r.t === 'error') throw new PeerError(r.code, r.message);
    },
    async callLibrary(method, args, progress) {
      const r = await call({ t: 'lib', method, args }, progress);
      if (r.t === 'lib-ok') return r.value;
      if (r.t === 'error') throw new PeerError(r.code, r.message);
      throw new PeerError('PEER_PROTOCOL', 'unexpected answer from the peer worker; reload the app');
    },
    async search(query, filters) {
      const r = await call({ t: 'search', query, filters });
      if (r.t === 'search-ok') return r.result;
      if (r.t === 'error') throw new PeerError(r.code, r.message);
      throw new PeerError('PEER_PROTOCOL', 'unexpected answer from the peer worker; reload the app');
    },
    onLibraryChange(listener) {
      libraryListeners.add(listener);
      return () => void libraryListeners.delete(listener);
    },
    onSearchChange(listener) {
      searchListeners.add(listener);
      return () => void searchListeners.delete(listener);
    },
    peers,
    removed,
    syncPending,
    nodeStatus,
    stop() {
      window.removeEventListener('online', reportNetwork);
      window.removeEventListener('offline', reportNetwork);
      worker?.terminate();
      worker = undefined;
      stopRtc?.();
      ready = undefined;
    },
  };
}
