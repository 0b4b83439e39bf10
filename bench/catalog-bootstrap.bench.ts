/**
 * catalog-bootstrap: a fresh peer joins a library over loopback TCP (libp2p, Noise, yamux).
 * The home peer runs in a child process holding the stored library (bench/catalog-fixture.ts).
 * Measured on the fresh peer:
 *   first_month_s  until the newest month is readable from its catalog
 *   full_s         until every asset is readable
 *   bytes_ratio    bytes received (snapshot frames + automerge sync payloads) / saved size
 * with /hearth/catalog-snapshot/1 then sync (what Hearth does), and, as the same-run anchor,
 * plain automerge-repo sync from empty. ratio = anchor / value (the speed-up).
 * The bench trusts every peer (no pairing); the access check is one Set lookup.
 * Usage: npm run bench -- catalog-bootstrap [assets=100000] [runs=1]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo';
import { multiaddr } from '@multiformats/multiaddr';
import { peerIdFromString } from '@libp2p/peer-id';
import {
  createCatalog,
  fetchCatalogSnapshot,
  parseShardKey,
  readShard,
  type AssetShardDoc,
  serveCatalogSnapshots,
  Libp2pNetworkAdapter,
  type PeerAccess,
  type RootDoc,
} from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
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
  const repo = new Repo();
  let bytes = 0;
  let lastMessage = performance.now();
  const adapter = new Libp2pNetworkAdapter({ node, access: everyone });
  adapter.on('message', (m) => {
    bytes += 'data' in m && m.data instanceof Uint8Array ? m.data.length : 0;
    lastMessage = performance.now();
  });
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
    catalog = createCatalog({ repo, root: root as never, deviceId: BENCH_DEVICE });
    catalog.onChange(checkFirst);
    started = catalog.start();
  };
  await node.dial(multiaddr(home.addr));
  if (mode === 'snapshot') {
    const got = await fetchCatalogSnapshot({
      node,
      peer: peerIdFromString(home.peerId),
      repo,
      // The newest month is readable once its shards are in (they come right after the root).
      onDoc: (k, key, handle) => {
        if (k !== 'shard' || firstMonth || parseShardKey(key)?.month !== home.newest) return;
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
  // Let the sync that follows a snapshot (heads exchange) finish before counting bytes.
  while (performance.now() - lastMessage < 1000) await new Promise((r) => setTimeout(r, 200));
  await c.stop();
  await repo.shutdown();
  await node.stop();
  return { first: firstMonth / 1000, full: full / 1000, bytes };
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
    const snap = [];
    const plain = [];
    for (let i = 0; i < runs; i++) {
      snap.push(await join(home, 'snapshot'));
      plain.push(await join(home, 'sync'));
    }
    const m = (xs: Array<{ first: number; full: number; bytes: number }>, k: 'first' | 'full' | 'bytes') =>
      median(xs.map((x) => x[k]));
    const b = 'catalog-bootstrap';
    report({
      bench: b,
      metric: 'first_month_s',
      value: m(snap, 'first'),
      unit: 's',
      anchor: { name: 'plain_sync_first_month_s', value: m(plain, 'first') },
      ratio: m(plain, 'first') / m(snap, 'first'),
    });
    report({
      bench: b,
      metric: 'full_s',
      value: m(snap, 'full'),
      unit: 's',
      anchor: { name: 'plain_sync_full_s', value: m(plain, 'full') },
      ratio: m(plain, 'full') / m(snap, 'full'),
    });
    report({
      bench: b,
      metric: 'bytes_ratio',
      value: m(snap, 'bytes') / home.savedBytes,
      unit: 'x',
      anchor: { name: 'plain_sync_bytes_ratio', value: m(plain, 'bytes') / home.savedBytes },
    });
    report({ bench: b, metric: 'assets', value: home.total, unit: 'count' });
  } finally {
    child.stdin!.end();
  }
}
