/**
 * The page side of `bench/pwa-blob.bench.ts`, built by Vite and served by the home node
 * itself (same origin, as when the node serves the app): the app's own blob path —
 * `createHomeMedia` (token, fetch, SHA-256 verify) into the IndexedDB media cache — beside a
 * bare `fetch` of the same URLs that only reads the bytes. Both use the same pool of
 * parallel requests and bypass the HTTP cache, so the ratio is the app's overhead alone.
 */
import { createHomeMedia } from '../src/catalog/home-media.ts';
import { openIdbMediaCache } from '../src/catalog/media-cache.idb.ts';

/** What the bench asks for: blob hashes, a token minted over libp2p, how many in flight. */
export interface BlobJob {
  token: string;
  expiresAt: number;
  originals: string[];
  thumbnails: string[];
  concurrency: number;
}

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

const jobs = (j: BlobJob) => [
  ...j.originals.map((h) => ({ h, kind: 'original' as const, mime: 'image/jpeg' })),
  ...j.thumbnails.map((h) => ({ h, kind: 'thumbnail' as const, mime: 'image/webp' })),
];
const noStore = (req: Request) => fetch(req, { cache: 'no-store' });

async function bare(j: BlobJob): Promise<{ ms: number; bytes: number }> {
  let bytes = 0;
  const t = performance.now();
  await pool(jobs(j), j.concurrency, async ({ h }) => {
    const res = await noStore(
      new Request(new URL(`blobs/${h}`, location.origin), {
        headers: { authorization: `Bearer ${j.token}` },
      }),
    );
    if (!res.ok) throw new Error(`bare fetch ${h}: ${res.status}`);
    bytes += (await res.arrayBuffer()).byteLength;
  });
  return { ms: performance.now() - t, bytes };
}

/** The app's fetch + verify without the store: says where the app's time goes. */
async function verify(j: BlobJob): Promise<{ ms: number; bytes: number }> {
  const media = createHomeMedia({
    baseUrl: location.origin,
    token: () => Promise.resolve({ token: j.token, expiresAt: j.expiresAt }),
    fetch: noStore,
  });
  let bytes = 0;
  const t = performance.now();
  await pool(jobs(j), j.concurrency, async ({ h, mime }) => {
    bytes += (await media.blob(h, mime)).size;
  });
  return { ms: performance.now() - t, bytes };
}

async function store(j: BlobJob, dbName: string): Promise<{ ms: number; bytes: number; stored: number }> {
  const cache = await openIdbMediaCache(dbName);
  const media = createHomeMedia({
    baseUrl: location.origin,
    token: () => Promise.resolve({ token: j.token, expiresAt: j.expiresAt }),
    fetch: noStore,
  });
  let bytes = 0;
  const t = performance.now();
  const puts: Promise<void>[] = [];
  await pool(jobs(j), j.concurrency, async ({ h, kind, mime }) => {
    const blob = await media.blob(h, mime);
    // As the app does: the store runs behind the next fetch; the clock stops when all are stored.
    puts.push(cache.put(h, kind, blob, h));
    bytes += blob.size;
  });
  await Promise.all(puts);
  const ms = performance.now() - t;
  // Everything is really there (read back after the clock stopped).
  let stored = 0;
  for (const { h, kind } of jobs(j)) if ((await cache.get(h, kind))?.size) stored++;
  cache.close();
  await new Promise((r) => {
    const del = indexedDB.deleteDatabase(dbName);
    del.onsuccess = del.onerror = del.onblocked = r;
  });
  return { ms, bytes, stored };
}

(globalThis as unknown as { hearthBlobBench: unknown }).hearthBlobBench = { bare, verify, store };
document.body.dataset['ready'] = '1';
