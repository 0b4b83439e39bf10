/**
 * Test harness for albums in a lazy catalog (the PWA's): devices' repos with storage, started
 * catalogs, and the album changes and problems a catalog reports. Call `lazyAlbumHarness()` at
 * a test file's top level: it registers the cleanup hooks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Repo, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { afterAll, afterEach } from 'vitest';
import type { AlbumId } from '../ids.ts';
import type { Catalog } from './catalog.ts';
import type { InvalidCatalogDataError } from './catalog-errors.ts';
import { createCatalog } from './create-catalog.ts';
import { createCatalogStorage } from './platform.node.ts';
import type { RootDoc } from './root-doc.ts';
import { fakeDeviceId } from './test-library.ts';

export function lazyAlbumHarness() {
  const cleanup: Array<() => Promise<unknown> | void> = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true, maxRetries: 5 })));
  });

  return {
    /** Runs `f` after the current test (last registered, first run). */
    cleanup: (f: () => Promise<unknown> | void) => void cleanup.push(f),

    /** A device's repo with storage in a fresh directory (a catalog is lazy only with storage). */
    async storedRepo(name: string): Promise<Repo> {
      const dir = await mkdtemp(join(tmpdir(), 'hearth-albums-'));
      dirs.push(dir);
      const storage = createCatalogStorage(dir);
      const repo = new Repo({ storage, peerId: name as PeerId });
      cleanup.push(() => storage.close());
      return repo;
    },

    /** A started catalog on `repo` over the root at `url`; lazy as the PWA's is, unless told. */
    async openCatalog(repo: Repo, root: DocHandle<RootDoc>, n: number, lazy = true): Promise<Catalog> {
      const catalog = createCatalog({
        repo,
        root,
        deviceId: fakeDeviceId(n),
        ...(lazy && { lazyShards: {} }),
      });
      await catalog.start();
      cleanup.push(async () => {
        await catalog.stop();
        await repo.shutdown();
      });
      return catalog;
    },
  };
}

/** The album ids `catalog` has reported changed so far, and an event source for waitUntil. */
export function albumChanges(catalog: Catalog) {
  const seen = new Set<AlbumId>();
  catalog.onChange((c) => c.albums.forEach((id) => seen.add(id)));
  return { seen, source: (wake: () => void) => catalog.onChange(wake) };
}

/** The problems `catalog` has reported so far (`onInvalid`), and an event source for waitUntil. */
export function catalogProblems(catalog: Catalog) {
  const seen: InvalidCatalogDataError[] = [];
  catalog.onInvalid((e) => seen.push(e));
  return { seen, source: (wake: () => void) => catalog.onInvalid(wake) };
}
