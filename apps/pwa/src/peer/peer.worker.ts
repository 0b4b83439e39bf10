/// <reference lib="webworker" />
/**
 * The peer worker: this device's libp2p node (WebSockets to the home node, Noise, yamux), so
 * the page's main thread only renders. It pairs the device and keeps the connection to the
 * home node up, and once paired it runs the catalog replica (automerge-repo, IndexedDB) and
 * answers the page's LibraryClient calls (see worker-library.ts).
 */
// First, for its side effect: WebRTC's stand-in must be in place before libp2p loads.
import './rtc-worker-shim.ts';
import {
  createSwitchableAccess,
  deviceIdOf,
  exportDeviceKey,
  generateDeviceKey,
  importDeviceKey,
  pairWithCode,
  parsePairingLink,
  startDeviceMesh,
  type PeerNode,
} from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import { multiaddr } from '@multiformats/multiaddr';
import { loadDeviceKeyBytes, loadPairing, saveDeviceKeyBytes, savePairing } from './device-store.idb.ts';
import type { PairingInfo, PeerReply, PeerRequest } from './peer-protocol.ts';
import { openCatalogPeer, type CatalogPeer } from '../catalog/open-catalog-peer.ts';
import { pickHomeHttpUrl } from '../catalog/home-http-url.ts';
import { dialable, knownHomes, learnHomeNodes, type KnownHome } from './home-nodes.ts';
import { PwaError } from '../errors.ts';
import { LIBRARY_METHODS } from './worker-library.ts';
import { createIceServersFollower } from './worker-ice.ts';
import { createRevokedPeerTeller } from './worker-revoked-peers.ts';
import { listDevices, revokeDevice, watchRevocation } from './worker-devices.ts';
import { watchHomeStatus } from './worker-node-status.ts';
import type { LibrarySearch } from '../search/library-search.ts';
import type { MlSearchSource } from '../search/ml-search-source.ts';
import type { ClipSearch } from '../ml/clip-search.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** STUN/TURN servers from the root document, read by the node at each WebRTC connection. */
const ice = createIceServersFollower((line) => console.info(line));
/** Tells a device revoked while away from the home node, before cutting it off. */
const revokedPeers = createRevokedPeerTeller((line) => console.info(line));
const post = (m: PeerReply) => scope.postMessage(m);
/**
 * The one libp2p node of this device, as a promise so that calls racing at start-up (the
 * page's first library call and its `connect`) share it. Two nodes with the same key would
 * both reach the home node as the same peer, and a redial through one would leave the
 * catalog's node offline for good.
 */
let node: Promise<PeerNode> | undefined;
// Refuses everyone until the library is known (pairing is allowed regardless).
const access = createSwitchableAccess();
let catalogPeer: Promise<CatalogPeer> | undefined;
/** the dial to the home node made when the catalog opened (`connect` reports its failure) */
let firstDial: Promise<void> | undefined;
/** the page's online/offline reports, once the home node is kept connected */
let onNetwork: ((online: boolean) => void) | undefined;
/** dials the known home nodes not connected now (after the root document named a new one) */
let redialHomes: (() => void) | undefined;

async function deviceKey() {
  const bytes = await loadDeviceKeyBytes();
  if (bytes) return importDeviceKey(bytes);
  const key = await generateDeviceKey();
  await saveDeviceKeyBytes(exportDeviceKey(key));
  return key;
}

/**
 * Address prefixes the node may dial although libp2p's browser default refuses them (plain
 * `/ws`, private hosts): every known home node's. The node's gater reads this very array at
 * each dial, so home nodes learnt later are added to it.
 */
const allowDial: string[] = [];
function allow(addrs: readonly string[]): void {
  for (const a of addrs) {
    const prefix = a.replace(/\/p2p\/[^/]+$/, '');
    if (!allowDial.includes(prefix)) allowDial.push(prefix);
  }
}

function ensureNode(addrs: readonly string[]): Promise<PeerNode> {
  allow(addrs);
  if (node) return node;
  const p = (async () => {
    const n = await createPeerNode({
      privateKey: await deviceKey(),
      allowDial,
      access,
      iceServers: ice.current,
      beforeCutOff: revokedPeers.tell,
    });
    const report = () => post({ t: 'peers', count: n.getPeers().length });
    n.addEventListener('peer:connect', report);
    n.addEventListener('peer:disconnect', report);
    return n;
  })();
  node = p;
  void p.catch(() => {
    if (node === p) node = undefined;
  });
  return p;
}

async function pair(link: string, name: string): Promise<PairingInfo> {
  const parsed = parsePairingLink(link);
  // A revoked device's key is refused for good: pairing again starts from a new one.
  if ((await loadPairing())?.revokedAt !== undefined) {
    const old = node;
    node = undefined;
    await (await old?.catch(() => undefined))?.stop();
    await saveDeviceKeyBytes(exportDeviceKey(await generateDeviceKey()));
  }
  const addrs = dialable(parsed.addrs);
  const n = await ensureNode(addrs);
  const grant = await pairWithCode(n, { ...parsed, addrs }, { name });
  const info: PairingInfo = {
    libraryId: grant.certificate.libraryId,
    deviceId: deviceIdOf(await deviceKey()),
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
  pairingNow = info;
  return info;
}

/** The pairing as last saved (home nodes learnt since the worker started included). */
let pairingNow: PairingInfo | undefined;
const homesOf = (info: PairingInfo): KnownHome[] => knownHomes(pairingNow ?? info, scope.location.origin);
const connectedTo = (n: PeerNode, id: string) => n.getPeers().some((p) => p.toString() === id);

/**
 * Dials every known home node not connected now (the paired-with one and any second home
 * node the root document announced), resolving once one of them answers: whichever is up
 * serves this device. Rejects when none is reachable.
 */
async function dialHome(info: PairingInfo): Promise<void> {
  const homes = homesOf(info);
  const n = await ensureNode(homes.flatMap((h) => h.addrs));
  const todo = homes.filter((h) => h.addrs.length > 0 && !connectedTo(n, h.id));
  if (todo.length === 0) {
    if (homes.some((h) => connectedTo(n, h.id))) return;
    throw new PwaError('HOME_OFFLINE', 'no address of a home node is known');
  }
  await Promise.any(todo.map(async (h) => n.dial(h.addrs.map((a) => multiaddr(a))))).catch((e: unknown) => {
    throw (e as AggregateError).errors?.[0] ?? e;
  });
}

/** Keeps the home nodes announced in the root document with the pairing (for the next reload). */
function followHomeNodes(peer: CatalogPeer, info: PairingInfo): void {
  let learning = Promise.resolve();
  const learn = () => {
    learning = learning
      .then(async () => {
        const now = (await loadPairing()) ?? info;
        const homeNodes = await learnHomeNodes(peer.root.doc(), now);
        if (!homeNodes) return;
        pairingNow = { ...now, homeNodes };
        await savePairing(pairingNow);
        allow(homesOf(pairingNow).flatMap((h) => h.addrs));
        redialHomes?.();
      })
      .catch((e: unknown) => console.info('home node addresses:', e));
  };
  peer.root.on('change', learn);
  learn();
}

async function connect(): Promise<void> {
  const info = await loadPairing();
  if (!info) return;
  // The page paints from the timeline index without the catalog, so opening it is this
  // call's job (it keeps the index current), whether or not the home node answers. The
  // catalog dials the node itself; this reports how that dial went (one dial, not two racing).
  await catalog();
  await firstDial?.catch(() => dialHome(info));
}

/**
 * Keeps the home nodes connected: redials one that drops (backoff up to 30 s), at once when
 * the browser says it is back online, so edits made offline sync without a reload, and when
 * the root document names a home node not dialled yet (`redial`). Returns what to call when
 * the page reports the network state: a worker does not always get the `online`/`offline`
 * events itself (Chromium's offline mode sends them only to the page).
 */
function keepHomeConnected(
  n: PeerNode,
  info: PairingInfo,
): { network: (online: boolean) => void; redial: () => void } {
  let delay = 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const homes = () => homesOf(info);
  const allConnected = () => homes().every((h) => connectedTo(n, h.id));
  // Every known home node is dialled until connected: while the first is down the second
  // serves, and the first is picked up again (within 30 s) once it is back.
  const again = () => {
    timer = setTimeout(redial, delay);
    delay = Math.min(delay * 2, 30_000);
  };
  const redial = () => {
    clearTimeout(timer);
    timer = undefined;
    if (allConnected()) return;
    dialHome(info).then(() => {
      if (allConnected()) delay = 1000;
      else again();
    }, again);
  };
  n.addEventListener('peer:disconnect', (ev) => {
    const id = ev.detail.toString();
    if (homes().some((h) => h.id === id) && timer === undefined) timer = setTimeout(redial, delay);
  });
  // Chromium's offline mode does not stop WebRTC: a direct connection to another device that
  // finishes opening after the hang-up below (its signalling was under way) would live on.
  let offline = false;
  n.addEventListener('peer:connect', (ev) => {
    if (offline) n.hangUp(ev.detail).catch((e: unknown) => console.info('hang-up failed:', e));
  });
  const network = (online: boolean) => {
    offline = !online;
    if (online) {
      delay = 1000;
      redial();
      return;
    }
    // Offline, Chromium keeps the WebSocket open but silent, and libp2p would notice only when
    // a keep-alive ping fails, 10-60 s later. Hang up now: the status tells the truth and
    // nothing more is written into the void. The node's end of it may live on half-open; the
    // redial replaces it (Libp2pNetworkAdapter restarts the link on the new hello). Direct
    // WebRTC links to other devices go too (offline means offline); the device mesh dials
    // them again once the home node is back.
    for (const peer of n.getPeers()) n.hangUp(peer).catch((e: unknown) => console.info('hang-up failed:', e));
  };
  scope.addEventListener('online', () => network(true));
  scope.addEventListener('offline', () => network(false));
  return {
    network,
    redial: () => {
      if (offline) return;
      delay = 1000;
      redial();
    },
  };
}

/** The synced catalog, opened once; offline it loads from IndexedDB. */
function catalog(): Promise<CatalogPeer> {
  catalogPeer ??= (async () => {
    const info = await loadPairing();
    if (!info) throw new PwaError('NOT_PAIRED', 'this device is not paired; pair it under Devices first');
    pairingNow = info;
    const n = await ensureNode(homesOf(info).flatMap((h) => h.addrs));
    // Offline is normal: the catalog opens from IndexedDB and syncs once the dial succeeds.
    const kept = keepHomeConnected(n, info);
    onNetwork = kept.network;
    redialHomes = kept.redial;
    void watchRevocation(n, info, (revokedAt) => post({ t: 'removed', revokedAt }));
    firstDial = dialHome(info);
    firstDial.catch((e: unknown) => console.info('home node not reachable now:', e));
    // One home node answering is enough to start; the others (or, with none, all) are retried.
    void firstDial.catch(() => undefined).then(() => kept.redial());
    const peer = await openCatalogPeer({
      node: n,
      access,
      pairing: info,
      blobBaseUrl: info.homeHttpUrl ?? scope.location.origin,
      homes: () => homesOf(info),
      // The page reads months from the index, so it hears of a month once the index has it.
      onTimelineMonth: (month) =>
        post({ t: 'lib-change', change: { assets: [], albums: [], months: [month] } }),
    });
    followHomeNodes(peer, info);
    await ice.follow(peer.root, info.libraryPublicKey);
    revokedPeers.use(n, peer.root, info.libraryPublicKey);
    // Other paired browsers, directly over WebRTC signalled through the home node's relay.
    startDeviceMesh({
      node: n,
      access,
      relay: { peerId: info.homeNode, addrs: info.homeAddrs },
      devices: () =>
        access
          .current()
          ?.certificates()
          .filter((c) => c.role === 'device')
          .map((c) => c.deviceId) ?? [],
      log: (line) => console.info(line),
    });
    peer.library.onChange((change) => {
      if (change.assets.length > 0 || change.albums.length > 0)
        post({ t: 'lib-change', change: { ...change, months: [] } });
    });
    post({ t: 'catalog-open', at: performance.timeOrigin + performance.now() });
    reportSyncPending(peer);
    watchHomeStatus(
      n,
      () => homesOf(info).map((h) => h.id),
      (status) => post({ t: 'node-status', status }),
    );
    // Machine words are fetched soon after opening, not at the first search, so a device that
    // goes offline before anyone searched still finds photos by tag, OCR text and person.
    setTimeout(() => void mlWords(peer, info).catch((e: unknown) => console.info('ML words:', e)), 3000);
    setTimeout(
      () => void clipSearch(peer, info).catch((e: unknown) => console.info('CLIP search:', e)),
      3000,
    );
    // Faces and tags of this device's own imports while no home node is reachable (issue 7).
    setTimeout(
      () =>
        void import('../ml/worker-device-analysis.ts')
          .then((m) =>
            m.startWorkerDeviceAnalysis({
              peer,
              libraryId: info.libraryId,
              deviceId: info.deviceId,
              nodeReachable: () => n.getPeers().some((p) => p.toString() === info.homeNode),
            }),
          )
          .catch((e: unknown) => console.info('device ML:', e)),
      3000,
    );
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

let mlSource: Promise<MlSearchSource> | undefined;
/** The home node's machine tags, OCR text and people, kept (IndexedDB) for offline search. */
function mlWords(peer: CatalogPeer, info: PairingInfo): Promise<MlSearchSource> {
  mlSource ??= (async () => {
    const [{ createMlSearchSource }, { openIdbMlBlobCache }] = await Promise.all([
      import('../search/ml-search-source.ts'),
      import('../search/ml-blob-cache.idb.ts'),
    ]);
    return createMlSearchSource({
      repo: peer.repo,
      root: peer.root,
      cache: await openIdbMlBlobCache(`hearth-ml-${info.libraryId}`),
      fetchBlob: (hash) => peer.remoteBlob(hash),
    });
  })();
  void mlSource.catch(() => (mlSource = undefined));
  return mlSource;
}

let clipSource: Promise<ClipSearch> | undefined;
/** CLIP text search: the home node's shards and text model, kept (IndexedDB) for offline search. */
function clipSearch(peer: CatalogPeer, info: PairingInfo): Promise<ClipSearch> {
  clipSource ??= (async () => {
    const [{ createClipSearch }, { openIdbMlBlobCache }, { createOnnxWasmRuntime }] = await Promise.all([
      import('../ml/clip-search.ts'),
      import('../search/ml-blob-cache.idb.ts'),
      // Not `@hearth/ml/platform`: that one also brings the WebGPU build (a second, 28 MB wasm).
      import('@hearth/ml/onnx-wasm'),
    ]);
    return createClipSearch({
      repo: peer.repo,
      root: peer.root,
      cache: await openIdbMlBlobCache(`hearth-clip-${info.libraryId}`),
      fetchBlob: (hash) => peer.remoteBlob(hash),
      runtime: () => createOnnxWasmRuntime(),
    });
  })();
  void clipSource.catch(() => (clipSource = undefined));
  return clipSource;
}

let librarySearch: Promise<LibrarySearch> | undefined;
/**
 * The search index over the synced catalog and the machine words: built on the first search
 * (loaded only then, so the worker's start-up does not pay for it), then kept current from
 * the catalog's changes.
 */
function searchIndex(): Promise<LibrarySearch> {
  librarySearch ??= (async () => {
    const [{ createLibrarySearch }, { openIdbSearchCache }, peer, info] = await Promise.all([
      import('../search/library-search.ts'),
      import('../search/search-cache.idb.ts'),
      catalog(),
      loadPairing(),
    ]);
    if (!info) throw new PwaError('NOT_PAIRED', 'this device is not paired; pair it under Devices first');
    // What was read in an earlier session, per month, while the month has not changed.
    const cache = openIdbSearchCache(`hearth-search-${info.libraryId}`, (m) => peer.library.monthVersion(m));
    const clip = await clipSearch(peer, info).catch(() => undefined);
    return createLibrarySearch(peer.library, await mlWords(peer, info), cache, clip);
  })();
  void librarySearch.catch(() => (librarySearch = undefined));
  return librarySearch;
}

/** Runs `f` with this device's node and pairing; refused when the device is not paired. */
async function withPairing<T>(f: (n: PeerNode, info: PairingInfo) => Promise<T>): Promise<T> {
  const info = await loadPairing();
  if (!info) throw new PwaError('NOT_PAIRED', 'this device is not paired; pair it under Devices first');
  return f(await ensureNode(info.homeAddrs), info);
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
    withPairing((n, info) => revokeDevice(n, info, req.deviceId, () => dialHome(info))).then(
      () => post({ id: req.id, t: 'revoked' }),
      fail,
    );
  else if (req.t === 'lib') {
    // A backup reports its progress (a function cannot cross postMessage: the worker adds it).
    const progress = (done: number, total: number) => post({ id: req.id, t: 'lib-progress', done, total });
    const args = req.method === 'backUp' ? [req.args[0], progress] : req.args;
    callLibrary(req.method, args).then((value) => post({ id: req.id, t: 'lib-ok', value }), fail);
  } else if (req.t === 'search')
    searchIndex()
      .then((s) => s.search(req.query, req.filters))
      .then((result) => post({ id: req.id, t: 'search-ok', result }), fail);
  else connect().then(() => post({ id: req.id, t: 'connected' }), fail);
};
// Messages posted while the module's top-level awaits (wasm) were pending would be lost, so
// the page waits for this before sending anything.
post({ t: 'ready' });
