/**
 * node-import: `hearth import` of a folder of camera-sized JPEGs, end to end until every
 * derivative exists (a separate process: walk, hash, metadata, copy, thumbnail + preview +
 * thumbhash + phash), beside the media ceiling measured in the same run: the same files
 * through @hearth/media directly in one process (metadata + makeDerivatives, 2 at a time,
 * the CLI's default concurrency). ratio = ceiling_s / import_s (goal ≥ 0.85).
 * Photos are made here (seeded): the fixtures' nature album upscaled to 12–24 MP with sharp,
 * re-encoded at q90. Usage: npm run bench -- node-import [photos=40]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { extractMetadata, makeDerivatives } from '@hearth/media';
import { createExiftoolReader, createSharpCodec } from '@hearth/media/platform';
import { CLI, fixturesDir } from '@hearth/node-peer/testing';
import { seededRandom } from './synthetic-library.ts';
import { report } from './report.ts';

const photos = Number(process.argv[2] ?? 40);
const base = mkdtempSync(join(tmpdir(), 'hearth-node-import-'));
const src = join(base, 'photos');
try {
  const nature = join(fixturesDir(), 'immich-test-assets/albums/nature');
  const seeds = readdirSync(nature).filter((f) => f.endsWith('.jpg'));
  const rnd = seededRandom(7);
  await import('node:fs/promises').then((fs) => fs.mkdir(src, { recursive: true }));
  for (let i = 0; i < photos; i++) {
    const mp = 12 + rnd() * 12;
    const width = Math.round(Math.sqrt((mp * 1e6 * 4) / 3));
    await sharp(join(nature, seeds[i % seeds.length]!))
      .resize({ width, height: Math.round((width * 3) / 4), fit: 'fill' })
      .modulate({ brightness: 0.9 + rnd() * 0.2 })
      .jpeg({ quality: 90 })
      .toFile(join(src, `IMG_${String(i).padStart(4, '0')}.jpg`));
  }
  const files = readdirSync(src).map((f) => join(src, f));

  // Ceiling: the media work alone, in process.
  const codec = createSharpCodec();
  const reader = createExiftoolReader({ maxProcs: 1 });
  await codec.start();
  await reader.start();
  let t = performance.now();
  const queue = [...files];
  await Promise.all(
    [0, 1].map(async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        await extractMetadata(reader, { path: f });
        await makeDerivatives(codec, { path: f });
      }
    }),
  );
  const ceilingS = (performance.now() - t) / 1000;
  await reader.stop();
  await codec.stop();

  // The CLI, end to end (init excluded).
  const dataDir = join(base, 'lib');
  spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'init'], { stdio: 'ignore' });
  t = performance.now();
  // ML off: the anchor is the media pipeline alone, so the CLI must run only that.
  const noMl = { ...process.env, HEARTH_ML: 'off' };
  const r = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'import', src, '--json'], {
    encoding: 'utf8',
    env: noMl,
  });
  const importS = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  const st = JSON.parse(
    spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'status', '--json'], {
      encoding: 'utf8',
      env: noMl,
    }).stdout,
  ) as { derivatives: { images: { done: number } } };
  if (st.derivatives.images.done !== photos)
    throw new Error(`only ${st.derivatives.images.done} of ${photos} have derivatives`);
  report({
    bench: 'node-import',
    metric: 'photos_per_s',
    value: photos / importS,
    unit: 'photos/s',
    anchor: { name: 'media ceiling (photos/s)', value: photos / ceilingS },
    ratio: ceilingS / importS,
  });
} finally {
  rmSync(base, { recursive: true, force: true });
}
