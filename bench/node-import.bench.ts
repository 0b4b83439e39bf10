/**
 * node-import: `hearth import` of a folder of camera-sized photos, end to end until every
 * derivative exists (a separate process: walk, hash, sniff, metadata, copy into the blob
 * store, journal, thumbnail + preview + thumbhash + phash), beside the media-ingest ceiling
 * measured in the same run on the same files: @hearth/media's `processImage` (exiftool
 * metadata + one-decode derivatives) plus SHA-256/SHA-1 of the bytes, 2 at a time (2 cores),
 * in one process with nothing else — what media-ingest measures.
 * ratio = ceiling_s / import_s (goal ≥ 0.85).
 *
 * Photos come from the shared generator (`@hearth/media/bench` makePhotoCorpus: 12/18/24 MP
 * JPEGs from the fixture albums, HEICs via heif-enc), kept in
 * `$HEARTH_BENCH_DIR/hearth-bench-photos` (default the OS temp dir) and reused, so only the
 * first run pays for making them.
 *   npm run bench -- node-import [photos=1000] [heic_share=0.05]
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createReadStream, linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { processImage } from '@hearth/media';
import { makePhotoCorpus } from '@hearth/media/bench';
import { createExiftoolReader, createSharpCodec } from '@hearth/media/platform';
import { CLI } from '@hearth/node-peer/testing';
import { report } from './report.ts';

const photos = Number(process.argv[2] ?? 1000);
const heicShare = Number(process.argv[3] ?? 0.05);
const heicCount = Math.round(photos * heicShare);
const CONCURRENCY = 2;
const corpusDir = join(process.env['HEARTH_BENCH_DIR'] ?? tmpdir(), 'hearth-bench-photos');
const t0 = performance.now();
const corpus = await makePhotoCorpus(corpusDir, photos - heicCount, heicCount);
if (corpus.heics.length < heicCount) process.stderr.write('heif-enc missing: JPEGs only\n');
process.stderr.write(
  `corpus: ${corpus.jpegs.length} JPEG + ${corpus.heics.length} HEIC ready in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
);
const base = mkdtempSync(join(tmpdir(), 'hearth-node-import-'));
const src = join(base, 'photos');
mkdirSync(src);
// The folder holds exactly this run's files (the corpus dir may hold more); hard links cost nothing.
const files = [...corpus.jpegs, ...corpus.heics].map((f) => {
  const to = join(src, basename(f));
  linkSync(f, to);
  return to;
});

function hashes(path: string): Promise<void> {
  const a = createHash('sha256');
  const b = createHash('sha1');
  return new Promise((resolve, reject) => {
    createReadStream(path)
      .on('data', (d) => (a.update(d), b.update(d)))
      .on('end', () => (a.digest(), b.digest(), resolve()))
      .on('error', reject);
  });
}

try {
  // Ceiling: the media-ingest pipeline alone, in process, same files and order.
  const codec = createSharpCodec();
  const reader = createExiftoolReader({ maxProcs: CONCURRENCY });
  await codec.start();
  await reader.start();
  let t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < files.length) {
        const f = files[next++] as string;
        await Promise.all([processImage({ reader, codec }, { path: f }), hashes(f)]);
      }
    }),
  );
  const ceilingS = (performance.now() - t) / 1000;
  await reader.stop();
  await codec.stop();
  process.stderr.write(`ceiling: ${ceilingS.toFixed(1)} s\n`);

  // The CLI, end to end (init excluded).
  const dataDir = join(base, 'lib');
  spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'init'], { stdio: 'ignore' });
  // ML off: the anchor is the media pipeline alone, so the CLI must run only that.
  const noMl = { ...process.env, HEARTH_ML: 'off' };
  t = performance.now();
  const r = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'import', src, '--json'], {
    encoding: 'utf8',
    env: noMl,
    maxBuffer: 64 << 20,
  });
  const importS = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`import failed (${r.status}): ${r.stderr}`);
  process.stderr.write(`import: ${importS.toFixed(1)} s\n`);
  const st = JSON.parse(
    spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'status', '--json'], {
      encoding: 'utf8',
      env: noMl,
    }).stdout,
  ) as { derivatives: { images: { done: number } } };
  if (st.derivatives.images.done !== files.length)
    throw new Error(
      `only ${st.derivatives.images.done} of ${files.length} have derivatives; import stderr:\n${r.stderr}`,
    );
  report({
    bench: 'node-import',
    metric: 'photos_per_s',
    value: files.length / importS,
    unit: 'photos/s',
    anchor: { name: 'media-ingest ceiling (photos/s)', value: files.length / ceilingS },
    ratio: ceilingS / importS,
  });
  report({
    bench: 'node-import',
    metric: 'ratio',
    value: ceilingS / importS,
    unit: 'x',
    anchor: { name: 'media-ingest ceiling (photos/s)', value: files.length / ceilingS },
    ratio: ceilingS / importS,
  });
} finally {
  rmSync(base, { recursive: true, force: true });
}
