/**
 * ml-faces: photos per second through detection (YuNet) + 5-point alignment + embedding on
 * this machine's 2 cores, over the shared test photos (decode excluded, done up front).
 * - photos_per_s: with MobileFaceNet-128 (development default; goal ≥ 10).
 * - photos_per_s_512: with the shippable 512-d faceplugin model (≈12× slower per face).
 * - anchor: the bare onnxruntime time inside those runs (ratio = pipeline ÷ bare).
 * `npm run bench -- ml-faces [rounds]`
 */
import { createFacePipeline, createModelLoader, type RgbImage } from '@hearth/ml';
import {
  createFsModelStore,
  createOnnxNodeRuntime,
  decodeImage,
  defaultModelsDir,
} from '@hearth/ml/platform';
import { createTimingRuntime } from '@hearth/ml/testing';
import { join } from 'node:path';
import { median, report } from './report.ts';

const rounds = Number(process.argv[2] ?? 5);
const dir = defaultModelsDir();
const files = ['group-bbt1.jpg', 'ultraface-13.jpg', 'dog-bicycle-car.jpg', 'synthetic-text.jpg'];
const photos: RgbImage[] = await Promise.all(files.map((f) => decodeImage(join(dir, 'test-images', f))));

async function run(embedder: string, metric: string) {
  const runtime = createTimingRuntime(createOnnxNodeRuntime());
  const loader = createModelLoader({
    store: createFsModelStore(dir),
    runtime,
    choose: { 'face-embedding': embedder },
  });
  const pipeline = createFacePipeline(loader);
  for (const p of photos) await pipeline.analyze(p); // warm-up, sessions loaded
  const rates: number[] = [];
  const bare: number[] = [];
  let faces = 0;
  for (let r = 0; r < rounds; r++) {
    runtime.reset();
    const t = performance.now();
    faces = 0;
    for (const p of photos) faces += (await pipeline.analyze(p)).faces.length;
    const ms = performance.now() - t;
    rates.push((photos.length * 1000) / ms);
    bare.push((photos.length * 1000) / runtime.runMs);
  }
  await loader.stop();
  process.stderr.write(`${embedder}: ${faces} faces in ${photos.length} photos per round\n`);
  const v = median(rates);
  const a = median(bare);
  report({
    bench: 'ml-faces',
    metric,
    value: v,
    unit: 'photos/s',
    anchor: { name: 'bare onnxruntime photos/s', value: a },
    ratio: a / v,
  });
}

await run('mobilefacenet-128', 'photos_per_s');
await run('faceplugin-512', 'photos_per_s_512');
