/**
 * media-ingest: photos per second for metadata + thumbnail + preview + thumbhash + hashes
 * (SHA-256, SHA-1) on 12–24 MP JPEGs (and HEICs), 2 at a time (2 cores), beside the ceiling
 * measured in the same run: sharp alone decoding each JPEG once (shrink-on-load) and encoding
 * both sizes. ratio = median over runs of pipeline photos/s ÷ ceiling photos/s of the same run
 * (goal ≥ 0.9); the two alternate which goes first. Beside it, CPU time per JPEG of each half
 * (this process's threads plus its exiftool children), whose ratio `cpu_ratio` is steadier
 * than wall time on a machine shared with other work.
 *   npm run bench -- media-ingest [jpegs=12] [heics=2] [runs=3]
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { processImage } from '@hearth/media';
import { makePhotoCorpus } from '@hearth/media/bench';
import { createExiftoolReader, createSharpCodec } from '@hearth/media/platform';
import { median, report } from './report.ts';

const [jpegCount = 12, heicCount = 2, runs = 3] = process.argv.slice(2).map(Number);
const CONCURRENCY = 2;
const dir = join(process.env['HEARTH_BENCH_DIR'] ?? tmpdir(), 'hearth-bench-photos');
const { jpegs, heics } = await makePhotoCorpus(dir, jpegCount, heicCount);

/** CPU ms per item of each pool run, by its label. */
const cpuPerItem = new Map<string, number[]>();
async function pool<T>(
  items: T[],
  n: number,
  fn: (t: T) => Promise<unknown>,
  label?: string,
): Promise<number> {
  const c0 = cpuMs();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
  const s = (performance.now() - t0) / 1000;
  if (label) cpuPerItem.set(label, [...(cpuPerItem.get(label) ?? []), (cpuMs() - c0) / items.length]);
  return s;
}

/** CPU ms used so far by this process and its children (exiftool), from /proc (Linux). */
function cpuMs(): number {
  const u = process.cpuUsage();
  let ms = (u.user + u.system) / 1000;
  try {
    for (const t of readdirSync('/proc/self/task'))
      for (const pid of readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/)) {
        if (!pid) continue;
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
        ms += (Number(f[11]) + Number(f[12])) * 10; // utime + stime, 100 Hz ticks
      }
  } catch {
    // not Linux, or a child just ended: this sample undercounts
  }
  return ms;
}

const spare: Buffer[] = [];
/** SHA-256 and SHA-1 in 1 MiB reads into a reused buffer, as the node's hashFile reads. */
async function hashes(path: string): Promise<void> {
  const a = createHash('sha256');
  const b = createHash('sha1');
  const buf = spare.pop() ?? Buffer.allocUnsafeSlow(1 << 20);
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      a.update(buf.subarray(0, bytesRead));
      b.update(buf.subarray(0, bytesRead));
    }
    a.digest();
    b.digest();
  } finally {
    await fh.close();
    spare.push(buf);
  }
}

const reader = createExiftoolReader({ maxProcs: CONCURRENCY });
const codec = createSharpCodec();
await reader.start();
const pipeline = (f: string) => Promise.all([processImage({ reader, codec }, { path: f }), hashes(f)]);
const ceiling = async (f: string) => {
  const { data, info } = await sharp(f)
    .rotate()
    .resize({ width: 1440, height: 1440, fit: 'outside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  await Promise.all([
    sharp(data, raw).jpeg({ quality: 80 }).toBuffer(),
    sharp(data, raw).resize({ width: 250, height: 250, fit: 'outside' }).webp({ quality: 80 }).toBuffer(),
  ]);
};

await pool(jpegs.slice(0, 2), CONCURRENCY, pipeline); // warm up exiftool and libvips
const pipe: number[] = [];
const ceil: number[] = [];
const heic: number[] = [];
const ratios: number[] = [];
for (let r = 0; r < runs; r++) {
  // Alternate which goes first, so drift in the machine's load falls on both alike.
  const c1 = r % 2 ? undefined : jpegs.length / (await pool(jpegs, CONCURRENCY, ceiling, 'ceiling'));
  const p1 = jpegs.length / (await pool(jpegs, CONCURRENCY, pipeline, 'pipeline'));
  const c2 = c1 ?? jpegs.length / (await pool(jpegs, CONCURRENCY, ceiling, 'ceiling'));
  ceil.push(c2);
  pipe.push(p1);
  ratios.push(p1 / c2);
  if (heics.length) heic.push(heics.length / (await pool(heics, CONCURRENCY, pipeline)));
}
await reader.stop();
const p = median(pipe);
const c = median(ceil);
const ratio = median(ratios);
report({
  bench: 'media-ingest',
  metric: 'photos_per_s',
  value: p,
  unit: 'photos/s',
  anchor: { name: 'sharp_ceiling_photos_per_s', value: c },
  ratio,
});
report({
  bench: 'media-ingest',
  metric: 'ratio',
  value: ratio,
  unit: 'x',
  anchor: { name: 'sharp_ceiling_photos_per_s', value: c },
  ratio,
});
const cpuPipe = median(cpuPerItem.get('pipeline') ?? []);
const cpuCeil = median(cpuPerItem.get('ceiling') ?? []);
report({
  bench: 'media-ingest',
  metric: 'cpu_ms_per_photo',
  value: cpuPipe,
  unit: 'ms',
  anchor: { name: 'sharp_ceiling_cpu_ms_per_photo', value: cpuCeil },
  ratio: cpuCeil / cpuPipe,
});
if (heic.length)
  report({
    bench: 'media-ingest',
    metric: 'heic_photos_per_s',
    value: median(heic),
    unit: 'photos/s',
    anchor: { name: 'jpeg_photos_per_s', value: p },
    ratio: median(heic) / p,
  });
