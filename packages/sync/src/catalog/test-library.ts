/**
 * Test helpers: a root document with the catalog fields, deterministic fake assets, and
 * in-process links between repos (automerge-repo's MessageChannel adapter) that can be cut
 * and restored to simulate partitions. Used by this package's tests and later scenarios.
 */
import { Repo, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel';
import type { AssetId, DeviceId } from '../ids.ts';
import type { NewAsset } from './asset-record.ts';
import type { Catalog } from './catalog.ts';
import type { RootDoc } from './root-doc.ts';

/** A 64-hex asset id derived from a number (not a real hash; tests only). */
export function fakeAssetId(n: number): AssetId {
  return n.toString(16).padStart(64, '0') as AssetId;
}

/** A fake device id shaped like an Ed25519 PeerId. */
export function fakeDeviceId(n: number): DeviceId {
  return `12D3KooW${'A'.repeat(44)}${String(n).padStart(4, '0')}` as DeviceId;
}

/** A small valid asset captured at `capturedAt` (default: mid-July 2024 plus n minutes). */
export function sampleAsset(n: number, overrides: Partial<NewAsset> = {}): NewAsset {
  return {
    id: fakeAssetId(n),
    type: 'image',
    mime: 'image/jpeg',
    size: 1_000_000 + n,
    capturedAt: Date.UTC(2024, 6, 15) + n * 60_000,
    width: 4032,
    height: 3024,
    thumbhash: 'YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw',
    ...overrides,
  };
}

/** A new root document holding what the catalog needs (identity fills devices later). */
export function createTestRoot(repo: Repo, libraryId = 'test-library-0001'): DocHandle<RootDoc> {
  return repo.create<RootDoc>({
    schema: 1,
    libraryId,
    libraryPublicKey: '',
    name: 'Test library',
    createdAt: 0,
    devices: {},
    revocations: {},
    shards: {},
    albums: {},
    settings: {},
  });
}

/** A link between two repos that can be cut (a partition) and restored. */
export interface TestLink {
  connect(): void;
  disconnect(): void;
  readonly connected: boolean;
}

/** Links two in-memory repos over a MessageChannel; starts connected. */
export function linkRepos(a: Repo, b: Repo): TestLink {
  let adapters: [MessageChannelNetworkAdapter, MessageChannelNetworkAdapter] | undefined;
  const link: TestLink = {
    get connected() {
      return adapters !== undefined;
    },
    connect() {
      if (adapters) return;
      const { port1, port2 } = new MessageChannel();
      adapters = [new MessageChannelNetworkAdapter(port1), new MessageChannelNetworkAdapter(port2)];
      a.networkSubsystem.addNetworkAdapter(adapters[0]);
      b.networkSubsystem.addNetworkAdapter(adapters[1]);
    },
    disconnect() {
      if (!adapters) return;
      // removeNetworkAdapter also disconnects the adapter (sending "leave" to the other side).
      a.networkSubsystem.removeNetworkAdapter(adapters[0]);
      b.networkSubsystem.removeNetworkAdapter(adapters[1]);
      adapters = undefined;
    },
  };
  link.connect();
  return link;
}

/** A repo with no storage and no network, with a readable peer id. */
export function memoryRepo(name: string): Repo {
  return new Repo({ peerId: name as PeerId });
}

/**
 * Resolves once `check()` holds, re-checking whenever one of the event sources fires
 * (e.g. `catalog.onChange`); rejects after `ms` with `label`, so a test never hangs.
 */
export function waitUntil(
  check: () => boolean,
  sources: ReadonlyArray<(wake: () => void) => () => void>,
  ms = 20_000,
  label = 'condition',
): Promise<void> {
  return new Promise((resolve, reject) => {
    const offs: Array<() => void> = [];
    const done = (err?: Error) => {
      clearTimeout(timer);
      for (const off of offs) off();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${label}`)), ms);
    const wake = () => {
      if (check()) done();
    };
    for (const s of sources) offs.push(s(wake));
    wake();
  });
}

/** A generated asset with the user flags a generator sets (bench/synthetic-library.ts). */
export type SeedAsset = NewAsset & { favorite?: boolean; archived?: boolean };

/**
 * Loads a generated library into a catalog: assets in batches (one change per shard per
 * batch), then flags, then albums. Used by benchmarks and scenarios.
 */
export async function importLibrary(
  catalog: Catalog,
  lib: {
    assets: readonly SeedAsset[];
    albums?: ReadonlyArray<{ title: string; assets: readonly AssetId[] }>;
  },
  batch = 5000,
): Promise<void> {
  for (let i = 0; i < lib.assets.length; i += batch) {
    const slice = lib.assets.slice(i, i + batch);
    await catalog.addAssets(slice.map(({ favorite: _f, archived: _a, ...a }) => a));
  }
  for (const a of lib.assets) {
    if (a.favorite) catalog.setFavorite(a.id, true);
    if (a.archived) catalog.setArchived(a.id, true);
  }
  for (const al of lib.albums ?? []) {
    const id = await catalog.createAlbum(al.title);
    catalog.addToAlbum(id, al.assets);
  }
}

/** Resolves once `repo` has a connected peer (a `find` before that reports "unavailable"). */
export function whenPeered(repo: Repo, ms = 20_000): Promise<void> {
  return waitUntil(
    () => repo.peers.length > 0,
    [
      (wake) => {
        repo.networkSubsystem.on('peer', wake);
        return () => repo.networkSubsystem.off('peer', wake);
      },
    ],
    ms,
    'a connected peer',
  );
}
