/**
 * blob-pack-index: memory per blob and lookup rate of the fs blob store's pack index
 * (packages/sync/src/blobs/blob-pack-index.ts), at 100k and 1M blobs. Anchor, in the same
 * run: the Map<BlobHash, PackEntry[]> it replaced (a hex string key, an array and an entry
 * object per blob, as the pack set held it until the sixth session). Memory is heap plus
 * array buffers after a full GC; lookups are half hits, half misses, in random order, with
 * hash strings the index did not store (as the reconcile loop asks with the catalog's).
 * Then the same through the store (bench/blob-pack-store.ts): a filesystem store started on
 * that many packed thumbnails — what `start()` holds per blob, its time, and `has` per second.
 * Goal: bytes_per_blob ≤ 60, lookup ratio ≥ 1 (no slower).
 * Usage: npm run bench -- blob-pack-index [counts, comma-separated (default 100000,1000000)]
 */
import { randomBytes } from 'node:crypto';
import { createPackIndex, type BlobHash } from '@hearth/sync';
import { createFsBlobStore } from '@hearth/sync/platform';
import { measureStore } from './blob-pack-store.ts';
import { report } from './report.ts';

const counts = (process.argv[2] ?? '100000,1000000').split(',').map(Number);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npm run bench does)');

interface PackEntry {
  pack: string;
  offset: number;
  size: number;
}

function held(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Lookups per second of this process's CPU (wall time on a shared machine mostly measures the
 * others) of each getter over `keys`: passes alternate, best pass each.
 */
function rates(keys: string[], gets: [(h: string) => unknown, (h: string) => unknown]): [number, number] {
  const best: [number, number] = [0, 0];
  for (let pass = 0; pass < 7; pass++)
    for (const [g, get] of gets.entries()) {
      let found = 0;
      const c = process.cpuUsage();
      for (const k of keys) if (get(k) !== undefined) found++;
      const d = process.cpuUsage(c);
      best[g] = Math.max(best[g]!, keys.length / ((d.user + d.system) / 1e6));
      if (found !== keys.length / 2) throw new Error(`${found} of ${keys.length} found, not half`);
    }
  return best;
}

for (const n of counts) {
  const raw = randomBytes(n * 32);
  const packNames = Array.from({ length: Math.ceil(n / 8000) }, (_, i) => `${1000 + i}-pack-${i}.pack`);
  // The strings lookups are made with: half stored, half not, shuffled.
  const probes = Array.from({ length: Math.min(n, 200_000) & ~1 }, (_, i) =>
    i % 2 ? raw.toString('hex', i * 32, i * 32 + 32) : randomBytes(32).toString('hex'),
  );
  for (let i = probes.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [probes[i], probes[j]] = [probes[j]!, probes[i]!];
  }

  let before = held();
  const map = new Map<BlobHash, PackEntry[]>();
  for (let i = 0; i < n; i++)
    map.set(raw.toString('hex', i * 32, i * 32 + 32) as BlobHash, [
      { pack: packNames[Math.floor(i / 8000)]!, offset: (i % 8000) * 30_044, size: 30_000 },
    ]);
  const mapBytes = (held() - before) / n;

  before = held();
  const index = createPackIndex();
  for (let i = 0; i < n; i++)
    index.add(
      raw.toString('hex', i * 32, i * 32 + 32) as BlobHash,
      Math.floor(i / 8000),
      (i % 8000) * 30_044,
      30_000,
    );
  const indexBytes = (held() - before) / n;
  const [mapRate, indexRate] = rates(probes, [(h) => map.get(h as BlobHash)?.[0], (h) => index.first(h)]);
  map.clear();
  if (index.count !== n) throw new Error('index lost entries');

  report({
    bench: 'blob-pack-index',
    metric: `bytes_per_blob_${n}`,
    value: indexBytes,
    unit: 'B',
    anchor: { name: 'Map<BlobHash, PackEntry[]>', value: mapBytes },
    ratio: indexBytes / mapBytes,
  });
  report({
    bench: 'blob-pack-index',
    metric: `lookups_per_s_${n}`,
    value: indexRate,
    unit: '1/s',
    anchor: { name: 'Map<BlobHash, PackEntry[]>', value: mapRate },
    ratio: indexRate / mapRate,
  });

  const store = await measureStore(createFsBlobStore, n, held);
  for (const [metric, value, unit] of [
    [`store_bytes_per_blob_${n}`, store.bytesPerBlob, 'B'],
    [`store_start_s_${n}`, store.startS, 's'],
    [`store_has_per_s_${n}`, store.hasPerS, '1/s'],
  ] as const)
    report({ bench: 'blob-pack-index', metric, value, unit });
}
