import { readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NodeConfig } from './config.ts';
import { acquireDaemonLock, updateDaemonInfo } from './daemon-lock.ts';
import { createNodeHttpServer, type NodeHttpServer } from './http-server.ts';
import { initLibrary, openLibrary, type Library } from './library.ts';
import type { MlFeature } from './ml-steps.ts';
import { createPipeline } from './pipeline.ts';
import { createReconcileLoop, type ReconcileLoop } from './reconcile-loop.ts';
import { libraryStatus } from './library-status.ts';
import { projectAssets } from './catalog-projection.ts';
import { startPeerServices, type PeerServices } from './peer-services.ts';
import { guardHomeNodeIce, publishIceServers } from './ice-servers.ts';
import { createDeviceAdmin, type DeviceAdmin } from './device-admin.ts';
import { adminRoute, loadOrCreateAdminToken } from './admin-api.ts';
import { join } from 'node:path';
import { startBlobHttp } from './blob-http.ts';
import { createUploadImporter } from './upload-import.ts';
import { startNodePeople, type PeopleSyncLoop } from './people-sync.ts';
import { deviceResultsOf, startNodeMlProjection } from './ml-projection.ts';
import { advertisedHttpUrls } from './http-urls.ts';
import { trimHeap } from './heap-trim.ts';
import { startStatusFeed } from './status-feed.ts';
import { recordAuditPull } from './backups.ts';
import { startNodeReplication, type NodeReplication } from './node-replication.ts';
import { createReplicaImporter } from './replica-import.ts';
import { startHomeLink } from './home-link.ts';

/** A part of the daemon with a lifecycle; parts stop in reverse start order. */
interface Part {
  name: string;
  stop(): Promise<void>;
}

/** The running home node (`hearth start`). */
export interface Daemon {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly url: string;
  readonly library: Library;
  readonly peers: PeerServices;
  readonly admin: DeviceAdmin;
}

/**
 * Start order: library (key, catalog, blob store clean-up) → lock → reconcile loop → HTTP.
 * Stop order is the reverse, so HTTP stops taking requests first, the loop then finishes
 * or abandons its in-flight jobs, and the catalog is flushed last.
 */
export function createDaemon(config: NodeConfig, log: (line: string) => void): Daemon {
  const parts: Part[] = [];
  let lib: Library | undefined;
  let http: NodeHttpServer | undefined;
  let loop: ReconcileLoop | undefined;
  /** ML features (enabled, or disabled with the reason) for the status page. */
  let mlFeatures: MlFeature[] = [];
  let peers: PeerServices | undefined;
  let admin: DeviceAdmin | undefined;
  let replication: NodeReplication | undefined;
  let ready = false;
  let peopleLoop: PeopleSyncLoop | undefined;

  async function statusRoute(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    if (!lib || new URL(req.url ?? '/', 'http://x').pathname !== '/api/status') return false;
    const body = {
      ...(await libraryStatus(lib)),
      reconcile: loop?.status(),
      replication: replication?.status() ?? null,
      ml: { enabled: config.ml, features: mlFeatures, people: peopleLoop?.people() ?? null },
      ready,
      peerId: peers?.deviceId,
      addresses: peers?.addresses() ?? [],
      syncedAssets: peers?.catalogOpen ? peers.catalogOpen.assetCount() : null,
      devicesOnline: peers?.node.getPeers().filter((p) => peers?.access.isPaired(p.toString())).length ?? 0,
    };
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(body));
    return true;
  }

  return {
    get url() {
      return http?.url ?? '';
    },
    get library() {
      if (!lib) throw new Error('daemon not started');
      return lib;
    },
    get admin() {
      if (!admin) throw new Error('daemon not started');
      return admin;
    },
    get peers() {
      if (!peers) throw new Error('daemon not started');
      return peers;
    },
    async start() {
      /** Work that waits for `ready`: it does not help serving, and the first `/readyz` must not wait for it. */
      const afterReady: (() => void | Promise<void>)[] = [];
      const { created } = await initLibrary(config.dataDir);
      if (created) log(`created a new library in ${config.dataDir}`);
      const l = await openLibrary(config.dataDir);
      lib = l;
      parts.push({ name: 'catalog', stop: () => l.stop() });
      const info = { pid: process.pid, url: '', startedAt: Date.now() };
      const lock = await acquireDaemonLock(l.layout.daemonJson, info);
      parts.push({ name: 'lock', stop: () => lock.release() });
      await l.blobs.start();
      parts.push({ name: 'blob store', stop: () => l.blobs.stop() });
      const host = config.host === '127.0.0.1' || config.host === 'localhost' ? '127.0.0.1' : '0.0.0.0';
      const ws = config.p2pPort === 0 ? 0 : config.p2pPort + 1;
      const ps = await startPeerServices({
        lib: l,
        listen: [`/ip4/${host}/tcp/${config.p2pPort}`, `/ip4/${host}/tcp/${ws}/ws`],
        mdns: config.mdns,
        log,
      });
      peers = ps;
      parts.push({ name: 'peer services', stop: () => ps.stop() });
      // Home nodes dial each other (a second one also the node that admitted it).
      const link = await startHomeLink({ lib: l, node: ps.node, root: ps.root, log });
      if (link) parts.push({ name: 'home link', stop: () => link.stop() });
      const da = createDeviceAdmin({
        peers: ps,
        key: l.key,
        libraryPublicKey: l.info.publicKey,
        ...(l.membership ? { keyHolder: l.membership.homeNode } : {}),
        audit: l.audit,
        log,
        httpUrls: () => advertisedHttpUrls(http?.url ?? '', config.host),
        onAuditServed: (peer, length) => recordAuditPull(l.layout.root, peer, length),
      });
      await da.start();
      admin = da;
      parts.push({ name: 'pairing', stop: () => da.stop() });
      // STUN/TURN servers for devices' WebRTC, signed into the root document (ice-servers.ts).
      // A joined node (no library key) signs its own list with its node key.
      await publishIceServers({
        root: ps.root,
        key: l.key?.identity,
        node: {
          key: ps.nodeKey,
          deviceId: ps.deviceId,
          libraryPublicKey: l.info.publicKey,
        },
        servers: config.iceServers,
        log,
      });
      const unguardIce = guardHomeNodeIce(ps.root, ps.deviceId);
      parts.push({ name: 'ICE list guard', stop: async () => unguardIce() });
      const token = await loadOrCreateAdminToken(join(l.layout.root, 'admin.token'));
      // Uploads from paired devices are imported like `hearth import` (exiftool starts on the first).
      const uploads = createUploadImporter(l, log);
      parts.push({ name: 'uploads', stop: () => uploads.stop() });
      const blobHttp = await startBlobHttp({
        dataDir: l.layout.root,
        peers: ps,
        blobs: l.blobs,
        catalog: l.catalog,
        importFile: uploads.importFile,
      });
      parts.push({ name: 'blob tokens', stop: () => blobHttp.stop() });
      // Pulls what the pin policy wants and this node lacks from paired peers.
      // Fetched originals are imported like uploads (the blob is linked, not copied again).
      const importer = createReplicaImporter({
        fileOf: (h) => l.blobs.fileOf(h),
        tmpDir: join(l.layout.root, 'uploads'),
        importFile: uploads.importFile,
        log,
      });
      const repl = startNodeReplication({ lib: l, peers: ps, log, importer });
      replication = repl;
      parts.push({ name: 'replication', stop: () => repl.stop() });
      // The synced catalog follows the node's own: new imports (from any process) appear in it.
      let projected = -1;
      let projecting: Promise<unknown> = Promise.resolve();
      const project = () => {
        if (l.catalog.version === projected) return;
        projected = l.catalog.version;
        projecting = projecting
          .then(() => projectAssets(ps.catalog, l.catalog, (id, v, m) => l.catalog.markProjected(id, v, m)))
          .catch((err: unknown) => log(`catalog sync: ${(err as Error).message}`));
      };
      let projector: ReturnType<typeof setInterval> | undefined;
      // Its first look goes through every asset; it starts once the node is ready (below).
      afterReady.push(() => {
        project();
        projector = setInterval(project, 1000);
      });
      parts.push({
        name: 'catalog projection',
        stop: async () => {
          clearInterval(projector);
          await projecting;
        },
      });
      const pipeline = await createPipeline({
        ml: config.ml,
        modelsDir: config.modelsDir,
        ffmpegChildren: l.layout.ffmpegChildren,
      });
      // An ffmpeg a killed daemon or import left running (where the kernel could not kill it
      // with its owner) is stopped now, not when its job would have ended. After ready, and only
      // when there are records: the media platform module is slow to load.
      afterReady.push(async () => {
        if (!(await readdir(l.layout.ffmpegChildren).catch(() => [])).length) return;
        try {
          const { reapOrphanedChildren } = await import('@hearth/media/platform');
          const n = await reapOrphanedChildren(l.layout.ffmpegChildren);
          if (n) log(`stopped ${n} ffmpeg process(es) a previous run left running`);
        } catch (e) {
          log(`ffmpeg clean-up: ${(e as Error).message}`); // never a reason not to start
        }
      });
      mlFeatures = pipeline.ml;
      parts.push({ name: 'media tools', stop: () => pipeline.stop() });
      const lp = createReconcileLoop({
        catalog: l.catalog,
        blobs: l.blobs,
        steps: pipeline.steps,
        concurrency: config.concurrency,
        pollMs: 1000,
        onError: (kind, asset, err) => log(`reconcile ${kind} ${asset}: ${(err as Error).message}`),
      });
      loop = lp;
      // Its first pass checks every asset's derived records and blobs (~1 s of CPU at 100k);
      // nothing in it is needed to serve, so it starts once the node is ready.
      afterReady.push(() => lp.start());
      parts.push({ name: 'reconcile loop', stop: () => lp.stop() });
      // What the loop and imports are doing, for the app's status panel (`/hearth/status/1`).
      const feed = startStatusFeed({ lib: l, peers: ps, loop: lp, log });
      await feed.start();
      parts.push({ name: 'status feed', stop: () => feed.stop() });
      // Loading the journal, the loop's first pass over every asset and an import burst grow
      // the heap; once such work is over, give the memory back (an idle node should be small).
      // Idle is also when the journal is folded into a snapshot, once its tail is big enough
      // that replaying it would slow the next start (about 1 s per 30 MB).
      let trimmedAt = -1;
      let trimming: Promise<void> | undefined;
      const trim = () => {
        if (trimming || !lp.status().idle || l.catalog.version === trimmedAt) return;
        trimmedAt = l.catalog.version;
        trimming = (async () => {
          if ((await l.catalog.tailBytes()) > 4 << 20) await l.catalog.compact();
          trimHeap();
        })()
          .catch((err: unknown) => log(`journal snapshot: ${(err as Error).message}`))
          .finally(() => (trimming = undefined));
      };
      afterReady.push(() => void lp.idle().then(() => setTimeout(trim, 500).unref()));
      const trimmer = setInterval(trim, 30_000).unref();
      parts.push({
        name: 'journal snapshot',
        stop: async () => {
          clearInterval(trimmer);
          await trimming;
          // A node stopped before it went idle still leaves a snapshot for its next start.
          if ((await l.catalog.tailBytes()) > 4 << 20) await l.catalog.compact();
        },
      });
      const facesKey = pipeline.ml.find((f) => f.kind === 'faces' && f.enabled)?.key;
      if (facesKey) {
        const people = await startNodePeople({ lib: l, peers: ps, modelKey: facesKey, log });
        peopleLoop = people;
        parts.push({ name: 'people', stop: () => people.stop() });
      }
      // Machine tags, OCR text and CLIP shards, per month, for devices' offline search.
      const key = (k: string) => pipeline.ml.find((f) => f.kind === k && f.enabled)?.key;
      const mlKeys = { tags: key('tags'), ocr: key('ocr'), clip: key('clip'), faces: key('faces') };
      if (mlKeys.tags || mlKeys.ocr || mlKeys.clip || mlKeys.faces) {
        const mlSync = startNodeMlProjection({
          lib: l,
          peers: ps,
          keys: mlKeys,
          log,
          modelsDir: config.modelsDir,
          // A device's own face and tag results for its imports, by the same models, are adopted.
          onCatalog: (ml) => pipeline.adoptDeviceResults(deviceResultsOf(ml)),
        });
        parts.push({ name: 'ml sync', stop: () => mlSync.stop() });
      }
      const h = createNodeHttpServer({
        host: config.host,
        port: config.port,
        pwaDir: config.pwaDir,
        ...(config.tlsCert && config.tlsKey ? { tls: { cert: config.tlsCert, key: config.tlsKey } } : {}),
        isReady: () => ready,
        routes: [statusRoute, adminRoute(() => admin, token), blobHttp.route],
      });
      http = h;
      await h.start();
      parts.push({ name: 'http', stop: () => h.stop() });
      // Where devices find this node when another home node is down (the latest entry wins).
      await ps.announce(advertisedHttpUrls(h.url, config.host));
      await updateDaemonInfo(l.layout.daemonJson, { ...info, url: h.url });
      ready = true;
      for (const f of afterReady) await f();
    },
    async stop() {
      ready = false;
      for (const p of parts.reverse()) {
        try {
          const bound = p.name === 'blob store' || p.name === 'catalog' ? 120_000 : 15_000;
          if ((await stopWithin(p.stop, bound)) === 'done') log(`stopped ${p.name}`);
          else log(`stopping ${p.name} did not finish within ${bound / 1000} s; going on`);
        } catch (err) {
          log(`stopping ${p.name} failed: ${(err as Error).message}`);
        }
      }
      parts.length = 0;
    },
  };
}

/**
 * Runs a part's stop, giving up waiting after `ms`: one hung part (a dial to a home node that
 * went away, a stream that never closes) must not keep the node from flushing the rest and
 * exiting. Storage parts, stopped last, get the longest bound.
 */
async function stopWithin(stop: () => Promise<void>, ms: number): Promise<'done' | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      stop().then(() => 'done' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
