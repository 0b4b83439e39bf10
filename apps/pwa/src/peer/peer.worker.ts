/// <reference lib="webworker" />
/**
 * The peer worker: this device's libp2p node (WebSockets to the home nodes, Noise, yamux), so
 * the page's main thread only renders. It pairs the device and keeps the connections to the
 * home nodes up (worker-home-dial.ts), and once paired it runs the catalog replica
 * (automerge-repo, IndexedDB), answers the page's LibraryClient calls (see
 * worker-library.ts) and searches (worker-ml.ts).
 */
// First, for its side effect: WebRTC's stand-in must be in place before libp2p loads.
import './rtc-worker-shim.ts';
import {
  createSwitchableAccess,
  deviceIdOf,
  pairWithCode,
  parsePairingLink,
  type DeviceMesh,
  type PeerNode,
} from '@hearth/sync';
import { loadPairing, savePairing } from './device-store.idb.ts';
import type { PairingInfo, PeerReply, PeerRequest } from './peer-protocol.ts';
import { openCatalogPeer, type CatalogPeer } from '../catalog/open-catalog-peer.ts';
import { pickHomeHttpUrl } from '../catalog/home-http-url.ts';
import { dialable } from './home-nodes.ts';
import { PwaError } from '../errors.ts';
import { LIBRARY_METHODS } from './worker-library.ts';
import { createIceServersFollower } from './worker-ice.ts';
import { createRevokedPeerTeller } from './worker-revoked-peers.ts';
import { listDevices, revokeDevice, watchRevocation } from './worker-devices.ts';
import { watchHomeStatus } from './worker-node-status.ts';
import { createWorkerNode } from './worker-node.ts';
import { createHomeDialer } from './worker-home-dial.ts';
import { createWorkerMl } from './worker-ml.ts';
import { startWorkerMesh } from './worker-mesh.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** STUN/TURN servers from the root document, read by the node at each WebRTC connection. */
const ice = createIceServersFollower((line) => console.info(line));
/** Tells a device revoked while away from the home node, before cutting it off. */
const revokedPeers = createRevokedPeerTeller((line) => console.info(line));
const post = (m: PeerReply) => scope.postMessage(m);
// Refuses everyone until the library is known (pairing is allowed regardless).
const access = createSwitchableAccess();
const node = createWorkerNode({
  access,
  iceServers: ice.current,
  beforeCutOff: revokedPeers.tell,
  onPeers: (count) => post({ t: 'peers', count }),
});
const homes = createHomeDialer(scope, node);
const ml = createWorkerMl(catalog, () => post({ t: 'search-change' }));
let catalogPeer: Promise<CatalogPeer> | undefined;
/** the dial to the home node made when the catalog opened (`connect` reports its failure) */
let firstDial: Promise<void> | undefined;
/** the page's online/offline reports, once the home node is kept connected */
let onNetwork: ((online: boolean) => void) | undefined;

async function pair(link: string, name: string): Promise<PairingInfo> {
  const parsed = parsePairingLink(link);
  // A revoked device's key is refused for good: pairing again starts from a new one.
  if ((await loadPairing())?.revokedAt !== undefined) await node.renewKey();
  const addrs = dialable(parsed.addrs);
  const n = await node.ensure(addrs);
  const grant = await pairWithCode(n, { ...parsed, addrs }, { name });
  const info: PairingInfo = {
    libraryId: grant.certificate.libraryId,
    deviceId: deviceIdOf(await node.deviceKey()),
    deviceName: grant.certificate.name,
    role: grant.certificate.role,
    homeNode: grant.homeNode,
    homeAddrs: addrs,
    rootDocUrl: grant.rootDocUrl,
    libraryPublicKey: grant.libraryPublicKey,
    homeHttpUrl: pickHomeHttpUrl(grant.httpUrls, addrs, scope.location.origin),
    pairedAt: Date.now(),
  };
  await savePairing(info);
  homes.setPairing(info);
  return info;
}

async function connect(): Promise<void> {
  const info = await loadPairing();
  if (!info) return;
  // The page paints from the timeline index without the catalog, so opening it is this
  // call's job (it keeps the index current), whether or not the home node answers. The
  // catalog dials the node itself; this reports how that dial went (one dial, not two racing).
  await catalog();
  await firstDial?.catch(() => homes.dial(info));
}

/** The synced catalog, opened once; offline it loads from IndexedDB. */
function catalog(): Promise<CatalogPeer> {
  catalogPeer ??= (async () => {
    const info = await loadPairing();
    if (!info) throw new PwaError('NOT_PAIRED', 'this device is not paired; pair it under Devices first');
    homes.setPairing(info);
    const n = await node.ensure(homes.homes(info).flatMap((h) => h.addrs));
    // Offline is normal: the catalog opens from IndexedDB and syncs once the dial succeeds.
    const kept = homes.keep(n, info);
    onNetwork = kept.network;
    let mesh: DeviceMesh | undefined;
    // Removed from the library: every peer refuses this key at the handshake, so stop dialling
    // (the page says so, and how to pair again). What it holds stays readable.
    const removed = () => {
      if (homes.stopped()) return;
      homes.stop();
      mesh?.stop();
      console.info('removed from the library: no longer dialling the home nodes or other devices');
    };
    if (info.revokedAt !== undefined) removed();
    void watchRevocation(n, info, (revokedAt) => {
      removed();
      post({ t: 'removed', revokedAt });
    });
    firstDial = homes.dial(info);
    firstDial.catch((e: unknown) => console.info('home node not reachable now:', e));
    // One home node answering is enough to start; the others (or, with none, all) are retried.
    void firstDial.catch(() => undefined).then(() => kept.redial());
    const peer = await openCatalogPeer({
      node: n,
      access,
      pairing: info,
      blobBaseUrl: info.homeHttpUrl ?? scope.location.origin,
      homes: () => homes.homes(info),
      // The page reads months from the index, so it hears of a month once the index has it.
      onTimelineMonth: (month) =>
        post({ t: 'lib-change', change: { assets: [], albums: [], months: [month] } }),
    });
    homes.follow(peer, info);
    await ice.follow(peer.root, info.libraryPublicKey);
    revokedPeers.use(n, peer.root, info.libraryPublicKey);
    if (!homes.stopped()) mesh = startWorkerMesh(n, access, () => homes.homes(info));
    peer.library.onChange((change) => {
      if (change.assets.length > 0 || change.albums.length > 0 || change.homeNodes || change.media)
        post({ t: 'lib-change', change: { ...change, months: [] } });
    });
    post({ t: 'catalog-open', at: performance.timeOrigin + performance.now() });
    reportSyncPending(peer);
    watchHomeStatus(
      n,
      () => homes.homes(info).map((h) => h.id),
      (status) => post({ t: 'node-status', status }),
    );
    ml.startSoon(peer, info, () => n.getPeers().some((p) => p.toString() === info.homeNode));
    return peer;
  })();
  void catalogPeer.catch(() => (catalogPeer = undefined));
  return catalogPeer;
}

/**
 * Tells the page what is pending with the home node each way, when it changes. Polled: the
 * counts follow local edits and the home node's reported heads, from many documents.
 */
function reportSyncPending(peer: CatalogPeer): void {
  let last = '';
  setInterval(() => {
    const pending = peer.syncPending() ?? null;
    const key = JSON.stringify(pending);
    if (key === last) return;
    last = key;
    post({ t: 'sync', pending });
  }, 500);
}

async function callLibrary(method: string, args: unknown[]): Promise<unknown> {
  if (!LIBRARY_METHODS.has(method)) throw new PwaError('PEER_PROTOCOL', `no library method ${method}`);
  const lib = (await catalog()).library as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  return lib[method]!(...args);
}

/** Runs `f` with this device's node and pairing; refused when the device is not paired. */
async function withPairing<T>(f: (n: PeerNode, info: PairingInfo) => Promise<T>): Promise<T> {
  const info = await loadPairing();
  if (!info) throw new PwaError('NOT_PAIRED', 'this device is not paired; pair it under Devices first');
  return f(await node.ensure(info.homeAddrs), info);
}

scope.onmessage = (ev: MessageEvent<PeerRequest>) => {
  const req = ev.data;
  if (req.t === 'network') return onNetwork?.(req.online);
  const fail = (e: unknown) => {
    const err = e as { code?: unknown; message?: unknown };
    post({
      id: req.id,
      t: 'error',
      code: typeof err.code === 'string' ? err.code : 'PEER_ERROR',
      message: String(err.message ?? e),
    });
  };
  if (req.t === 'pair')
    pair(req.link, req.name).then((info) => post({ id: req.id, t: 'paired', info }), fail);
  else if (req.t === 'devices')
    withPairing((n, info) => catalog().then((p) => listDevices(n, p, info))).then(
      (devices) => post({ id: req.id, t: 'devices', devices }),
      fail,
    );
  else if (req.t === 'revoke')
    withPairing((n, info) => revokeDevice(n, info, req.deviceId, () => homes.dial(info))).then(
      () => post({ id: req.id, t: 'revoked' }),
      fail,
    );
  else if (req.t === 'lib') {
    // A backup reports its progress (a function cannot cross postMessage: the worker adds it).
    const progress = (done: number, total: number) => post({ id: req.id, t: 'lib-progress', done, total });
    const args = req.method === 'backUp' ? [req.args[0], progress] : req.args;
    callLibrary(req.method, args).then((value) => post({ id: req.id, t: 'lib-ok', value }), fail);
  } else if (req.t === 'search')
    ml.search(req.query, req.filters).then((result) => post({ id: req.id, t: 'search-ok', result }), fail);
  else connect().then(() => post({ id: req.id, t: 'connected' }), fail);
};
// Messages posted while the module's top-level awaits (wasm) were pending would be lost, so
// the page waits for this before sending anything.
post({ t: 'ready' });
