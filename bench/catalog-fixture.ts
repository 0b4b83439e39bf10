/**
 * A synthetic library saved as a real catalog (nodefs storage, with the shard summaries a
 * lazy catalog starts from), built once per (assets, seed) and cached under
 * $HEARTH_BENCH_CACHE (default /tmp/hearth-bench-cache): building 100k records takes
 * minutes, loading them is what the benches measure.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAutomergeUrl, Repo, type AutomergeUrl } from '@automerge/automerge-repo';
import { asDeviceId, createCatalog, type LazyShardOptions, type RootDoc } from '@hearth/sync';
import { createCatalogStorage } from '@hearth/sync/platform';
import { createTestRoot, importLibrary } from '@hearth/sync/testing';
import { generateLibrary } from './synthetic-library.ts';

export const BENCH_DEVICE = asDeviceId('12D3KooWBenchBenchBenchBenchBenchBenchBenchBench11');

export interface CatalogFixture {
  /** nodefs storage directory holding the catalog */
  dir: string;
  rootUrl: AutomergeUrl;
  assets: number;
  /** total bytes of the stored documents */
  savedBytes: number;
}

export async function catalogFixture(assets: number, seed = 1): Promise<CatalogFixture> {
  const base = join(
    process.env['HEARTH_BENCH_CACHE'] ?? join(tmpdir(), 'hearth-bench-cache'),
    // v2: stores carry shard summaries (lazy catalogs); v1 stores lack them.
    `catalog-v2-${assets}-${seed}`,
  );
  const meta = join(base, 'fixture.json');
  if (existsSync(meta)) return JSON.parse(await readFile(meta, 'utf8')) as CatalogFixture;
  await rm(base, { recursive: true, force: true });
  const dir = join(base, 'store');
  await mkdir(dir, { recursive: true });
  const t = performance.now();
  const repo = new Repo({ storage: createCatalogStorage(dir) });
  const root = createTestRoot(repo, `bench-library-${seed}`);
  // Lazy with a generous budget: the generator is sorted by time, so batches touch few months.
  const catalog = createCatalog({
    repo,
    root,
    deviceId: BENCH_DEVICE,
    lazyShards: { maxOpen: 24, idleMs: 0 },
  });
  await catalog.start();
  await importLibrary(catalog, generateLibrary({ assets, seed }));
  await catalog.stop();
  await repo.flush();
  // The stored size (snapshots + incremental chunks), read without loading the documents.
  let savedBytes = 0;
  for (const url of [root.url, ...Object.values(root.doc().shards), ...Object.values(root.doc().albums)]) {
    const { documentId } = parseAutomergeUrl(url as AutomergeUrl);
    savedBytes += (await repo.storageSubsystem!.loadDocData(documentId))?.length ?? 0;
  }
  await repo.shutdown();
  const fixture: CatalogFixture = { dir, rootUrl: root.url, assets, savedBytes };
  await writeFile(meta, JSON.stringify(fixture));
  process.stderr.write(
    `built catalog fixture of ${assets} assets in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
  );
  return fixture;
}

/**
 * Opens the fixture's catalog in a fresh repo (this is the "load" the benches time): lazy
 * (shards open on demand, as a peer holding a large library runs) unless `lazy` is false.
 */
export async function openFixture(f: CatalogFixture, lazy: LazyShardOptions | false = {}) {
  const repo = new Repo({ storage: createCatalogStorage(f.dir) });
  const root = await repo.find<RootDoc>(f.rootUrl);
  const catalog = createCatalog({
    repo,
    root,
    deviceId: BENCH_DEVICE,
    ...(lazy ? { lazyShards: lazy } : {}),
  });
  await catalog.start();
  return { repo, root, catalog };
}

if (import.meta.main) {
  const f = await catalogFixture(Number(process.argv[2] ?? 100_000));
  process.stdout.write(JSON.stringify(f) + '\n');
}
