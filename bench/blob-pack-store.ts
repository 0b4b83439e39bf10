/**
 * The store-level half of bench/blob-pack-index.bench.ts: a filesystem blob store opened on
 * `n` packed thumbnails (sealed packs of 8,000 × 30 KB, as a dead writer left them: a sparse
 * `.pack` and its `.idx`, which is all a start reads), measuring what `start()` adds to the
 * process (heap + array buffers, per blob), how long it takes, and the rate of `has` on
 * packed blobs per second of this process's CPU (the reconcile loop's first pass asks it for
 * every blob).
 * Takes the store factory, so the same measurement runs against another checkout's code.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Store {
  start(): Promise<void>;
  stop(): Promise<void>;
  has(hash: never): Promise<boolean>;
}

/** The record header of blob-pack.fs.ts: `HBP1`, kind 1 (blob), 3 reserved, u32 length, SHA-256. */
function header(hash: Buffer, size: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('HBP1', 0, 'latin1');
  h[4] = 1;
  h.writeUInt32BE(size, 8);
  hash.copy(h, 12);
  return h;
}

export async function measureStore(
  createStore: (o: { root: string }) => Store,
  n: number,
  held: () => number,
): Promise<{ bytesPerBlob: number; startS: number; hasPerS: number }> {
  const root = await mkdtemp(join(tmpdir(), 'hearth-pack-bench-'));
  try {
    const dir = join(root, 'pack');
    await mkdir(dir, { recursive: true });
    const perPack = 8000;
    const size = 30_000;
    const hashes: string[] = [];
    for (let p = 0; p * perPack < n; p++) {
      const count = Math.min(perPack, n - p * perPack);
      const raw = randomBytes(count * 32);
      const idx = Buffer.concat(
        Array.from({ length: count }, (_, i) => header(raw.subarray(i * 32, i * 32 + 32), size)),
      );
      // A pid above pid_max: the writer is gone, so nothing waits on it.
      const name = `4194305-${String(p).padStart(6, '0')}.pack`;
      await writeFile(join(dir, name), '');
      await truncate(join(dir, name), count * (44 + size));
      await writeFile(join(dir, `${name}.idx`), idx);
      for (let i = 0; i < count; i += 4) hashes.push(raw.toString('hex', i * 32, i * 32 + 32));
    }
    const before = held();
    const t = performance.now();
    const store = createStore({ root });
    await store.start();
    const startS = (performance.now() - t) / 1000;
    const bytesPerBlob = (held() - before) / n;
    let hasPerS = 0;
    for (let pass = 0; pass < 5; pass++) {
      const c = process.cpuUsage();
      for (const h of hashes) if (!(await store.has(h as never))) throw new Error('packed blob not found');
      const d = process.cpuUsage(c);
      hasPerS = Math.max(hasPerS, hashes.length / ((d.user + d.system) / 1e6));
    }
    await store.stop();
    return { bytesPerBlob, startS, hasPerS };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
