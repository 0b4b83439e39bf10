/**
 * catalog-change-latency: 1,000 album edits (rename, add, reorder, remove, in turn) made on
 * one peer, each timed until it is visible in the other peer's catalog. Two peers in one
 * process, each with its own libp2p node over loopback TCP (Noise, yamux) and
 * /hearth/automerge/1. Anchor: the same edits between two repos linked in-process by
 * automerge-repo's MessageChannel adapter (no transport cost); ratio = value / anchor.
 * Usage: npm run bench -- catalog-change-latency [edits=1000]
 */
import { Repo } from '@automerge/automerge-repo';
import {
  createCatalog,
  Libp2pNetworkAdapter,
  connectPeers,
  type AlbumId,
  type Catalog,
  type PeerAccess,
  type RootDoc,
} from '@hearth/sync';
import { createPeerNode } from '@hearth/sync/platform';
import {
  createTestRoot,
  fakeAssetId,
  fakeDeviceId,
  linkRepos,
  LOOPBACK_TCP,
  waitUntil,
  whenPeered,
} from '@hearth/sync/testing';
import { percentile, report } from './report.ts';

const edits = Number(process.argv[2] ?? 1000);
const everyone: PeerAccess = { isPaired: () => true, onRevoked: () => () => {} };

async function pair(kind: 'libp2p' | 'messagechannel') {
  const a = new Repo();
  const b = new Repo();
  const stops: Array<() => Promise<unknown>> = [];
  if (kind === 'libp2p') {
    const na = await createPeerNode(LOOPBACK_TCP);
    const nb = await createPeerNode(LOOPBACK_TCP);
    a.networkSubsystem.addNetworkAdapter(new Libp2pNetworkAdapter({ node: na, access: everyone }));
    b.networkSubsystem.addNetworkAdapter(new Libp2pNetworkAdapter({ node: nb, access: everyone }));
    await connectPeers(na, nb);
    stops.push(
      async () => na.stop(),
      async () => nb.stop(),
    );
  } else {
    linkRepos(a, b);
  }
  const rootA = createTestRoot(a);
  const ca = createCatalog({ repo: a, root: rootA, deviceId: fakeDeviceId(1) });
  await ca.start();
  const album = await ca.createAlbum('Latency');
  ca.addToAlbum(
    album,
    Array.from({ length: 200 }, (_, i) => fakeAssetId(i + 1)),
  );
  await whenPeered(b);
  const cb = createCatalog({ repo: b, root: await b.find<RootDoc>(rootA.url), deviceId: fakeDeviceId(2) });
  await cb.start();
  await waitUntil(() => cb.getAlbum(album)?.assets.length === 200, [cb.onChange], 30_000, 'album on peer b');
  return {
    ca,
    cb,
    album,
    stop: async () => {
      await ca.stop();
      await cb.stop();
      await a.shutdown();
      await b.shutdown();
      for (const s of stops) await s();
    },
  };
}

/** Applies edit i on `a` and returns a predicate that holds once `b` shows it. */
function edit(i: number, a: Catalog, b: Catalog, album: AlbumId): () => boolean {
  const extra = fakeAssetId(10_000 + i);
  switch (i % 4) {
    case 0: {
      a.renameAlbum(album, `Latency ${i}`);
      return () => b.getAlbum(album)?.title === `Latency ${i}`;
    }
    case 1: {
      a.addToAlbum(album, [extra]);
      return () => b.getAlbum(album)?.assets.includes(extra) === true;
    }
    case 2: {
      const first = a.getAlbum(album)!.assets[0]!;
      a.reorderAlbum(album, first, 100);
      return () => b.getAlbum(album)?.assets[100] === first;
    }
    default: {
      const gone = fakeAssetId(10_000 + i - 2);
      a.removeFromAlbum(album, [gone]);
      return () => b.getAlbum(album)?.assets.includes(gone) === false;
    }
  }
}

async function measure(kind: 'libp2p' | 'messagechannel'): Promise<number[]> {
  const { ca, cb, album, stop } = await pair(kind);
  const times: number[] = [];
  for (let i = 0; i < edits; i++) {
    const t = performance.now();
    const visible = edit(i, ca, cb, album);
    await waitUntil(visible, [cb.onChange], 10_000, `edit ${i}`);
    times.push(performance.now() - t);
  }
  await stop();
  return times;
}

const anchor = await measure('messagechannel');
const libp2p = await measure('libp2p');
for (const [metric, p] of [
  ['p50_ms', 50],
  ['p99_ms', 99],
] as const) {
  const v = percentile(libp2p, p);
  const a = percentile(anchor, p);
  report({
    bench: 'catalog-change-latency',
    metric,
    value: v,
    unit: 'ms',
    anchor: { name: `messagechannel_${metric}`, value: a },
    ratio: v / a,
  });
}
report({ bench: 'catalog-change-latency', metric: 'edits', value: edits, unit: 'count' });
// Something (not found: libp2p or a repo timer) kept the process alive for minutes after the
// figures were printed (seen 2026-11-24 14:45); the figures are complete here.
process.exit(0);
