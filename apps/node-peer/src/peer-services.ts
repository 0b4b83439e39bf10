import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Repo, type AutomergeUrl, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import {
  createCatalog,
  createLibraryAccess,
  deviceIdOf,
  followRootDoc,
  issueCertificate,
  Libp2pNetworkAdapter,
  createRevocationCourier,
  readRevocation,
  type Catalog,
  type DeviceId,
  type HomeNodeAddresses,
  type LibraryAccess,
  type RootDoc,
  shutdownRepo,
} from '@hearth/sync';
import { createCatalogStorage, createPeerNode } from '@hearth/sync/platform';
import type { PeerNode } from '@hearth/sync';
import type { PrivateKey } from '@libp2p/interface';
import { loadOrCreateDeviceKey } from './device-key-file.ts';
import type { Library } from './library.ts';
import { DataDirError } from './errors.ts';
import { announceHomeAddresses, guardHomeAddresses } from './home-addresses.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/** The node's presence on the network: libp2p, the synced catalog, the access check. */
export interface PeerServices {
  deviceId: DeviceId;
  /** The node's key (`node.key`): its libp2p identity, and what signs what it publishes. */
  nodeKey: PrivateKey;
  node: PeerNode;
  repo: Repo;
  root: DocHandle<RootDoc>;
  /**
   * The synced catalog, opened on first use and lazy: it starts from the shards' summaries and
   * holds at most a budget of shards in memory (reads need `openMonths`/`openAssets` first; see
   * @hearth/sync's createCatalog). Peers are served from the repo's storage on demand.
   */
  catalog(): Promise<Catalog>;
  /** Whether the synced catalog has been opened. */
  readonly catalogOpen: Catalog | undefined;
  access: LibraryAccess;
  /** Addresses devices can dial (TCP and WebSocket). */
  addresses(): string[];
  /**
   * Writes this node's current libp2p addresses and the given HTTP URLs, signed by its node
   * key, into the root document (`homeNodes`), unless they are there already: devices and the
   * other home node dial any home node they know (`home-addresses.ts`).
   */
  announce(httpUrls: string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface PeerServicesOptions {
  lib: Library;
  /** libp2p listen addresses. */
  listen: string[];
  mdns: boolean;
  log: (line: string) => void;
}

/**
 * Start libp2p (TCP + WebSockets, mDNS, circuit relay server), the Automerge repo over it,
 * and the library root document. On the first start the root document is created with
 * the node's own certificate (role home-node) and its URL kept in `root.json`.
 */
export async function startPeerServices(opts: PeerServicesOptions): Promise<PeerServices> {
  const { lib } = opts;
  const root = lib.layout.root;
  const privateKey = await loadOrCreateDeviceKey(join(root, 'node.key'));
  const deviceId = deviceIdOf(privateKey);
  // A second home node trusts the node that admitted it, as a device does its home node.
  const trusted = [deviceId, ...(lib.membership ? [lib.membership.homeNode] : [])];
  const access = createLibraryAccess({ libraryPublicKey: lib.info.publicKey, trusted });
  // A device revoked while offline that dials in is told so (signed notice), then closed.
  let rootDoc: (() => unknown) | undefined;
  const revocationCourier = createRevocationCourier({
    revocationOf: (peer) => (rootDoc ? readRevocation(rootDoc(), peer, lib.info.publicKey) : undefined),
  });
  const node = await createPeerNode({
    privateKey,
    listen: opts.listen,
    access,
    mdns: opts.mdns,
    revocationCourier,
  });
  const stops: (() => Promise<void>)[] = [async () => node.stop()];
  try {
    const adapter = new Libp2pNetworkAdapter({
      node,
      access,
      onDrop: (peer, reason) => opts.log(`dropped peer ${peer}: ${reason}`),
    });
    const storage = createCatalogStorage(join(root, 'automerge'));
    const repo = new Repo({ storage, network: [adapter], peerId: deviceId as unknown as PeerId });
    stops.unshift(async () => {
      await shutdownRepo(repo);
      await storage.close(); // throttled saves may fire after shutdown: drop them
    });
    const rootFile = join(root, 'root.json');
    let url = await readFile(rootFile, 'utf8')
      .then((t) => (JSON.parse(t) as { url: AutomergeUrl }).url)
      .catch(() => undefined);
    let handle: DocHandle<RootDoc>;
    if (url) {
      handle = await repo.find<RootDoc>(url);
    } else {
      // `hearth init --join` wrote root.json, so only the node holding the key gets here.
      if (!lib.key) throw new DataDirError('CORRUPT', `${rootFile} is missing: join the library again`);
      const cert = await issueCertificate(lib.key.identity, {
        deviceId,
        name: 'home node',
        role: 'home-node',
      });
      handle = repo.create<RootDoc>({
        schema: 1,
        libraryId: lib.key.id,
        libraryPublicKey: lib.key.publicKey,
        name: lib.info.name,
        createdAt: lib.info.createdAt,
        devices: { [deviceId]: cert },
        revocations: {},
        shards: {},
        albums: {},
        settings: {},
      });
      url = handle.url;
      await repo.flush();
      await writeFileAtomic(rootFile, JSON.stringify({ url }) + '\n');
    }
    await access.update(handle.doc());
    rootDoc = () => handle.doc();
    // A newly paired device gets its streams opened; a revoked one is cut off.
    const unfollow = followRootDoc(
      handle,
      access,
      () => adapter.refresh(),
      (e) => opts.log(`root document: ${String(e)}`),
    );
    stops.unshift(async () => unfollow());
    /** this node's entry in `homeNodes` once announced; kept there against edits by others */
    let announced: HomeNodeAddresses | undefined;
    const unguard = guardHomeAddresses(handle, () => announced);
    stops.unshift(async () => unguard());
    let opening: Promise<Catalog> | undefined;
    let open: Catalog | undefined;
    const catalog = () =>
      (opening ??= (async () => {
        // Lazy: an eager catalog loads every shard (minutes and GBs at 100k assets).
        const c = createCatalog({ repo, root: handle, deviceId, lazyShards: {} });
        await c.start();
        open = c;
        return c;
      })());
    stops.unshift(async () => {
      if (opening) await (await opening.catch(() => undefined))?.stop();
    });
    return {
      deviceId,
      nodeKey: privateKey,
      node,
      repo,
      root: handle,
      catalog,
      get catalogOpen() {
        return open;
      },
      access,
      addresses: () => node.getMultiaddrs().map((m) => m.toString()),
      async announce(httpUrls) {
        const addrs = node.getMultiaddrs().map((m) => m.toString());
        const rec = await announceHomeAddresses({ root: handle, key: privateKey, deviceId, addrs, httpUrls });
        if (rec)
          opts.log(`announced this node's addresses to the library: ${[...addrs, ...httpUrls].join(' ')}`);
        // A plain copy: an object read from the document cannot be written back into it.
        const now = rec ?? handle.doc().homeNodes?.[deviceId];
        announced = now && (JSON.parse(JSON.stringify(now)) as HomeNodeAddresses);
      },
      // Every step runs even when one fails (a node left running would hold its port and the
      // next start would fail); the first failure is then reported.
      async stop() {
        const failures: unknown[] = [];
        for (const s of stops) await s().catch((e: unknown) => failures.push(e));
        if (failures.length > 0) throw failures[0];
      },
    };
  } catch (err) {
    for (const s of stops) await s().catch(() => undefined);
    throw err;
  }
}
