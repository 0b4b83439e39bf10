/**
 * catalog-bootstrap: a fresh peer joins a library over loopback TCP (libp2p, Noise, yamux).
 * The home peer runs in a child process holding the stored library (bench/catalog-fixture.ts).
 * Measured on the fresh peer:
 *   first_month_s  until the newest month is readable from its catalog
 *   full_s         until every asset is readable
 *   bytes_ratio    bytes received (snapshot frames + automerge sync payloads) / saved size
 * with /hearth/catalog-snapshot/2 (/1 from older homes) then sync (what Hearth does: the home runs a lazy catalog;
 * the fresh peer has nodefs storage, loads the newest month's shards and stores the others
 * unopened with their summaries, then opens a lazy catalog), and, with `anchor` as the
 * third argument, the same-run anchor: plain automerge-repo sync from empty into an in-memory
 * eager catalog (at 100,000 it runs for many minutes). ratio = anchor / value (the speed-up).
 * Also reported: indexed_s, from the start until the fresh peer's timeline index holds every
 * month (each shard read once), and peak_rss_mb, the fresh peer's (this process's) highest RSS
 * from joining until the index is complete (sampled every 50 ms).
 * The bench trusts every peer (no pairing); the access check is one Set lookup.
 * Usage: npm run bench -- catalog-bootstrap [assets=100000] [runs=1] [anchor]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo';
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import {
  createCatalog,
  createMemoryTimelineIndexStore,
  createTimelineIndexer,
  fetchCatalogSnapshot,
  parseShardKey,
  readShard,
  type AssetShardDoc,
  serveCatalogSnapshots,
  Libp2pNetworkAdapter,
  type PeerAccess,
  type RootDoc,
} from '@hearth/sync';
import { createCatalogStorage, createPeerNode } from '@hearth/sync/platform';
import { catalogFixture, openFixture, BENCH_DEVICE, type CatalogFixture } from './catalog-fixture.ts';
import { median, report } from './report.ts';

// automerge-repo rejects an internal whenReady() (60 s timeout) for a document that stayed
// "unavailable" while it was being imported from the snapshot; that must not end the run.
process.on('unhandledRejection', (e) =>
  process.stderr.write(`unhandled rejection (ignored): ${String(e)}\n`),
);

const everyone: PeerAccess = { isPaired: () => true, onRevoked: () => () => {} };
interface Home {
  addr: string;
  peerId: string;
  rootUrl: AutomergeUrl;
  newest: string;
  newestCount: number;
  total: number;
  savedBytes: number;
}

async function homeProcess(f: CatalogFixture): Promise<void> {
  const lib = await openFixture(f);
  const node = await createPeerNode({ listen: ['/ip4/127.0.0.1/tcp/0'], relayServer: false });
  lib.repo.networkSubsystem.addNetworkAdapter(new Libp2pNetworkAdapter({ node, access: everyone }));
  await serveCatalogSnapshots({ node, repo: lib.repo, root: lib.root, access: everyone }).start();
  const newest = lib.catalog.months()[0]!;
  await lib.catalog.openMonths([newest]);
  const home: Home = {
    addr: node.getMultiaddrs()[0]!.toString(),
    peerId: node.peerId.toString(),
    rootUrl: lib.root.url,
    newest,
    newestCount: lib.catalog.monthAssets(newest).length,
    total: lib.catalog.assetCount(),
    savedBytes: f.savedBytes,
  };
  process.stdout.write(JSON.stringify(home) + '\n');
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

/** One fresh peer joining; resolves with its timings. */
async function join(home: Home, mode: 'snapshot' | 'sync') {
  const node = await createPeerNode({ listen: ['/ip4/127.0.0.1/tcp/0'], relayServer: false });
  const dir = await mkdtemp(joinPath(tmpdir(), 'hearth-bootstrap-'));
  const storage = mode === 'snapshot' ? createCatalogStorage(dir) : undefined;
  const repo = new Repo(storage ? { storage } : {});
  let bytes = 0;
  let lastMessage = performance.now();
  const adapter = new Libp2pNetworkAdapter({ node, access: everyone });
  adapter.on('message', (m) => {
    bytes += 'data' in m && m.data instanceof Uint8Array ? m.data.length : 0;
    lastMessage = performance.now();
  });
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  const t0 = performance.now();
  let firstMonth = 0;
  let newestRows = 0;
  let catalog: ReturnType<typeof createCatalog> | undefined;
  let started: Promise<void> | undefined;
  const checkFirst = () => {
    if (
      !firstMonth &&
      catalog &&
      catalog.months()[0] === home.newest &&
      catalog.monthAssets(home.newest).length === home.newestCount
    ) {
      firstMonth = performance.now() - t0;
    }
  };
  const open = async (root: Awaited<ReturnType<Repo['find']>>) => {
    catalog = createCatalog({
      repo,
      root: root as never,
      deviceId: BENCH_DEVICE,
      ...(mode === 'snapshot' ? { lazyShards: {} } : {}),
    });
    catalog.onChange(checkFirst);
    started = catalog.start();
  };
  await node.dial(multiaddr(home.addr));
  if (mode === 'snapshot') {
    const got = await fetchCatalogSnapshot({
      node,
      peer: peerIdFromString(home.peerId),
      repo,
      ...(storage ? { storage } : {}),
      // The newest month is readable once its shards are in (they come right after the root).
      onDoc: (k, key, handle) => {
        if (k !== 'shard' || !handle || firstMonth || parseShardKey(key)?.month !== home.newest) return;
        newestRows += readShard(handle.doc() as AssetShardDoc).assets.length;
        if (newestRows >= home.newestCount) firstMonth = performance.now() - t0;
      },
    });
    bytes += got.bytes;
    // Opening the catalog while shards are still arriving makes automerge-repo mark the
    // missing ones unavailable for its 60 s timeout, so it opens once the snapshot is in.
    await open(await repo.find<RootDoc>(got.rootUrl as AutomergeUrl));
    repo.networkSubsystem.addNetworkAdapter(adapter);
  } else {
    repo.networkSubsystem.addNetworkAdapter(adapter);
    await open(await repo.find<RootDoc>(home.rootUrl));
  }
  await started;
  const c = catalog!;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${mode}: only ${c.assetCount()} of ${home.total} after 600 s`)),
      600_000,
    );
    const check = () => {
      checkFirst();
      if (c.assetCount() >= home.total && firstMonth) {
        clearTimeout(timer);
        off();
        resolve();
      }
    };
    const off = c.onChange(check);
    check();
  });
  const full = performance.now() - t0;
  const say = (what: string) =>
    process.stderr.write(
      `${mode}: ${what} at ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        `(RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB, peak ${(peakRss / 2 ** 20).toFixed(0)})\n`,
    );
  say(`first month ${(firstMonth / 1000).toFixed(2)} s, all ${c.assetCount()} assets`);
  let indexed = 0;
  if (mode === 'snapshot') {
    const indexer = createTimelineIndexer({ catalog: c, store: createMemoryTimelineIndexStore() });
    await indexer.start();
    await indexer.stop();
    indexed = performance.now() - t0;
    say('timeline index complete');
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  // Let the sync that follows a snapshot (heads exchange) finish before counting bytes.
  while (performance.now() - lastMessage < 1000) await new Promise((r) => setTimeout(r, 200));
  say('sync settled');
  await c.stop();
  await repo.shutdown();
  await storage?.close(); // a throttled save after shutdown must not land in the removed dir
  await node.stop();
  await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  return {
    first: firstMonth / 1000,
    full: full / 1000,
    indexed: indexed / 1000,
    bytes,
    peakRss: peakRss / 2 ** 20,
  };
}

if (process.argv[2] === 'home') {
  await homeProcess(JSON.parse(process.argv[3]!) as CatalogFixture);
} else {
  const assets = Number(process.argv[2] ?? 100_000);
  const runs = Number(process.argv[3] ?? 1);
  const fixture = await catalogFixture(assets);
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'home', JSON.stringify(fixture)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const home = await new Promise<Home>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l) as Home)),
  );
  try {
    type Run = Awaited<ReturnType<typeof join>>;
    const snap: Run[] = [];
    const plain: Run[] = [];
    const withAnchor = process.argv[4] === 'anchor';
    for (let i = 0; i < runs; i++) {
      snap.push(await join(home, 'snapshot'));
      if (withAnchor) plain.push(await join(home, 'sync'));
    }
    const m = (xs: Run[], k: 'first' | 'full' | 'indexed' | 'bytes' | 'peakRss') =>
      median(xs.map((x) => x[k]));
    const anchored = (metric: string, k: 'first' | 'full', name: string) =>
      report({
        bench: b,
        metric,
        value: m(snap, k),
        unit: 's',
        ...(withAnchor ? { anchor: { name, value: m(plain, k) }, ratio: m(plain, k) / m(snap, k) } : {}),
      });
    const b = 'catalog-bootstrap';
    anchored('first_month_s', 'first', 'plain_sync_first_month_s');
    anchored('full_s', 'full', 'plain_sync_full_s');
    report({
      bench: b,
      metric: 'bytes_ratio',
      value: m(snap, 'bytes') / home.savedBytes,
      unit: 'x',
      ...(withAnchor
        ? { anchor: { name: 'plain_sync_bytes_ratio', value: m(plain, 'bytes') / home.savedBytes } }
        : {}),
    });
    report({ bench: b, metric: 'indexed_s', value: m(snap, 'indexed'), unit: 's' });
    report({ bench: b, metric: 'peak_rss_mb', value: m(snap, 'peakRss'), unit: 'MiB' });
    report({ bench: b, metric: 'assets', value: home.total, unit: 'count' });
  } finally {
    child.stdin!.end();
  }
}
