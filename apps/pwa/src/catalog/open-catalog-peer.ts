/**
 * Makes this device a catalog peer of its library (runs in the peer worker): an automerge-repo
 * Repo with IndexedDB storage and the libp2p network adapter, the root document followed for
 * who may sync, the catalog over it, and media from the home node's HTTP blob endpoint.
 * Offline is normal: the documents load from IndexedDB and sync when the node is reachable.
 */
import {
  Repo,
  type AutomergeUrl,
  type DocHandle,
  type PeerId as RepoPeerId,
} from '@automerge/automerge-repo';
import {
  createCatalog,
  createLibraryAccess,
  findDoc,
  followPeerHeads,
  followRootDoc,
  listLibraryDevices,
  Libp2pNetworkAdapter,
  requestBlobToken,
  syncPendingWith,
  type DeviceId,
  type LibraryDevice,
  type PeerNode,
  type RootDoc,
  type SyncPending,
  type SwitchableAccess,
  shutdownRepo,
} from '@hearth/sync';
import { createCatalogStorage } from '@hearth/sync/platform';
import type { PairingInfo } from '../peer/peer-protocol.ts';
import { PwaError } from '../errors.ts';
import { createCatalogLibrary, type CatalogLibrary } from './catalog-library.ts';
import { noteMonthReads, repoBackupCountStore } from './backup-counter.ts';
import { followHomeNodes } from './home-node-set.ts';
import { createHomeMedia } from './home-media.ts';
import { openIdbMediaCache } from './media-cache.idb.ts';
import { startCatalogTimeline, type CatalogTimeline } from './catalog-timeline.ts';

/** What the worker hands over: its node, the switchable access the node was built with. */
export interface CatalogPeerOptions {
  node: PeerNode;
  access: SwitchableAccess;
  pairing: PairingInfo;
  /** the home node's HTTP server (the app's origin when the node serves the app) */
  blobBaseUrl: string;
  /**
   * every home node this device knows, preferred first (home-nodes.ts): media, tokens and the
   * sync status come from the first one connected; absent: the paired-with node only
   */
  homes?: () => readonly { id: string; httpUrl: string | undefined }[];
  /** a month of the timeline index (and its count) was rewritten: the page re-reads it */
  onTimelineMonth?: (month: string) => void;
}

/** A running catalog peer; `stop()` flushes the repo. */
export interface CatalogPeer {
  library: CatalogLibrary;
  /** the timeline index the page paints from, kept up to date with the catalog */
  timeline: CatalogTimeline;
  /** documents with changes the home node lacks / has that we lack (undefined: not met yet) */
  syncPending(): SyncPending | undefined;
  /** every device of the library in the synced root document (signatures checked) */
  devices(): Promise<LibraryDevice[]>;
  /** the repo and root the catalog runs on (the search opens the ML and people documents) */
  repo: Repo;
  root: DocHandle<RootDoc>;
  /** a blob from the home node by hash, checked (rejects while it is unreachable) */
  remoteBlob(hash: string): Promise<Uint8Array>;
  stop(): Promise<void>;
}

export async function openCatalogPeer(opts: CatalogPeerOptions): Promise<CatalogPeer> {
  const { node, access, pairing } = opts;
  if (!pairing.libraryPublicKey)
    throw new PwaError(
      'PAIRING_OUTDATED',
      'this device was paired by an older version of the app; pair it again',
    );
  const library = createLibraryAccess({
    libraryPublicKey: pairing.libraryPublicKey,
    trusted: [pairing.homeNode],
  });
  access.use(library);
  // A short ready wait: offline, the documents come from IndexedDB instead.
  const adapter = new Libp2pNetworkAdapter({ node, access, readyTimeoutMs: 3000 });
  const repo = new Repo({
    network: [adapter],
    storage: createCatalogStorage(`hearth-catalog-${pairing.libraryId}`),
    peerId: node.peerId.toString() as RepoPeerId,
  });
  // From the first sync round: what the home node is known to hold, for the sync status (a
  // document reopened while in sync gets no new report of the node's heads).
  const peerHeads = followPeerHeads(repo);
  adapter.refresh();
  const root = await findDoc<RootDoc>(repo, pairing.rootDocUrl as AutomergeUrl);
  const unfollow = followRootDoc(root, library, () => adapter.refresh());
  const deviceId = pairing.deviceId as DeviceId;
  // Lazy: shards open when read and idle ones are evicted, so the worker holds the months in
  // use, not the whole library (the page paints from the timeline index, not from shards).
  const catalog = createCatalog({ repo, root, deviceId, lazyShards: {} });
  // Skipped records and documents not here yet (retried when they arrive) would be silent otherwise.
  catalog.onInvalid((e) => console.warn(e.message));
  // The home node media comes from: the first known one that is connected (the paired-with
  // node unless it is down and a second home node is up).
  const homes = opts.homes ?? (() => [{ id: pairing.homeNode, httpUrl: undefined }]);
  const active = () => {
    const online = new Set(node.getPeers().map((p) => p.toString()));
    return homes().find((h) => online.has(h.id));
  };
  const remote = createHomeMedia({
    baseUrl: () => active()?.httpUrl ?? opts.blobBaseUrl,
    token: async () => {
      const id = active()?.id;
      const home = node.getPeers().find((p) => p.toString() === id);
      if (!home)
        throw new PwaError('HOME_OFFLINE', 'the home node is not connected; media arrives when it is');
      return requestBlobToken(node, home);
    },
  });
  // The home nodes by name, and an event when a node joins or is revoked.
  const homeNodes = followHomeNodes(root, pairing.libraryPublicKey);
  // The Back up page's counts, kept beside the catalog so a new session recounts only changes.
  const backupCounts = repoBackupCountStore(repo);
  const client = createCatalogLibrary({
    catalog,
    media: await openIdbMediaCache(`hearth-media-${pairing.libraryId}`),
    deviceId,
    remote,
    streamUrl: remote.streamUrl,
    upload: remote.upload,
    holds: remote.holds,
    homeNodes: homeNodes.names,
    onHomeNodesChange: homeNodes.onChange,
    onMediaReachable: (listener) => {
      // Media asked for before (a reload paints from IndexedDB before the node is dialled) failed.
      const onConnect = (ev: CustomEvent<{ toString(): string }>) =>
        homes().some((h) => h.id === ev.detail.toString()) && listener();
      node.addEventListener('peer:connect', onConnect);
      return () => node.removeEventListener('peer:connect', onConnect);
    },
    ...(backupCounts && { backupCounts }),
  });
  await client.start();
  // The timeline indexer reads every month a newly paired device syncs: the Back up page's
  // counts take those reads too, so its first count need not read the whole library again.
  const timeline = startCatalogTimeline({
    catalog: noteMonthReads(catalog, client.noteMonth),
    libraryId: pairing.libraryId,
    onMonth: (m) => opts.onTimelineMonth?.(m),
  });
  return {
    library: client,
    timeline,
    syncPending: () => syncPendingWith(repo, (active()?.id ?? pairing.homeNode) as RepoPeerId, peerHeads),
    devices: () => listLibraryDevices(root.doc(), pairing.libraryPublicKey ?? ''),
    repo,
    root,
    remoteBlob: async (hash) => new Uint8Array(await (await remote.blob(hash)).arrayBuffer()),
    async stop() {
      unfollow();
      peerHeads.stop();
      homeNodes.stop();
      await timeline.stop();
      await client.stop();
      await shutdownRepo(repo);
    },
  };
}
