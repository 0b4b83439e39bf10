/**
 * Test set-up shared by the worker's ML readers' tests (CLIP search, machine words): a home
 * node's repo with a library root and the ML document, the blobs it serves by SHA-256, and
 * devices linked to it. Everything made here is stopped after each test (`useMlTestHome`).
 */
import { createHash } from 'node:crypto';
import type { DocHandle, Repo } from '@automerge/automerge-repo';
import { openMlCatalog, type BlobHash, type MlCatalog, type RootDoc } from '@hearth/sync';
import { createTestRoot, linkRepos, memoryRepo, waitUntil } from '@hearth/sync/testing';
import { afterEach } from 'vitest';

export const hex = (n: number): string => n.toString(16).padStart(64, '0');
export const sha = (b: Uint8Array): BlobHash => createHash('sha256').update(b).digest('hex') as BlobHash;

/** The home node's side: its repo, the library root, the ML document, the blobs it serves. */
export interface MlTestHome {
  repo: Repo;
  root: DocHandle<RootDoc>;
  ml: MlCatalog;
  blobs: Map<string, Uint8Array>;
  /** serves `bytes`, returns their hash */
  put(bytes: Uint8Array): BlobHash;
  /** what a device's `fetchBlob` does while the node is reachable (404 for what it lacks) */
  fetch(hash: string): Promise<Uint8Array>;
}

/** A device's repo linked to the home node, its root once it lists what `has` asks for. */
export interface MlTestDevice {
  repo: Repo;
  root: DocHandle<RootDoc>;
  link: ReturnType<typeof linkRepos>;
}

/**
 * Registers the clean-up (stops first, then repos) and returns the makers. `stops` is for
 * what a test starts (searches, sources); they stop before the repos shut down.
 */
export function useMlTestHome(): {
  stops: (() => void)[];
  home(): Promise<MlTestHome>;
  device(home: MlTestHome, has?: (root: RootDoc) => boolean): Promise<MlTestDevice>;
} {
  const repos: Repo[] = [];
  const stops: (() => void)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) s();
    for (const r of repos.splice(0)) await r.shutdown();
  });
  return {
    stops,
    async home() {
      const repo = memoryRepo('home');
      repos.push(repo);
      const root = createTestRoot(repo);
      const blobs = new Map<string, Uint8Array>();
      const ml = await openMlCatalog({ repo, root });
      return {
        repo,
        root,
        ml,
        blobs,
        put: (b) => (blobs.set(sha(b), new Uint8Array(b)), sha(b)),
        fetch: (h) => {
          const b = blobs.get(h);
          return b ? Promise.resolve(b) : Promise.reject(new Error('404'));
        },
      };
    },
    async device(home, has = (r) => Boolean(r.ml)) {
      const repo = memoryRepo('phone');
      repos.push(repo);
      const link = linkRepos(home.repo, repo);
      const root = await repo.find<RootDoc>(home.root.url);
      const rootChanged = (wake: () => void) => {
        root.on('change', wake);
        return () => root.off('change', wake);
      };
      await waitUntil(() => Boolean(root.doc() && has(root.doc())), [rootChanged]);
      return { repo, root, link };
    },
  };
}
