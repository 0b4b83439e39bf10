/**
 * ml-tags-ocr: photos per second for YOLOX-Nano tags and for PP-OCRv4 OCR (det + direction
 * classifier + rec) over the shared test photos (decode excluded), and `overhead_ratio` =
 * pipeline time ÷ bare onnxruntime time in the same run (pre/post-processing cost; goal ≤ 1.15).
 * `*_js_ms` is the same cost in ms per photo (pipeline − session time): the ratio also moves
 * with the inference speed of the moment, this does not as much.
 * `npm run bench -- ml-tags-ocr [rounds]`
 */
import { createModelLoader, createObjectTagger, createTextReader, type RgbImage } from '@hearth/ml';
import {
  createFsModelStore,
  createOnnxNodeRuntime,
  decodeImage,
  defaultModelsDir,
} from '@hearth/ml/platform';
import { createTimingRuntime } from '@hearth/ml/testing';
import { join } from 'node:path';
import { median, report } from './report.ts';

const rounds = Number(process.argv[2] ?? 3);
const dir = defaultModelsDir();
const files = ['group-bbt1.jpg', 'ultraface-13.jpg', 'dog-bicycle-car.jpg', 'synthetic-text.jpg'];
const photos: RgbImage[] = await Promise.all(files.map((f) => decodeImage(join(dir, 'test-images', f))));
const runtime = createTimingRuntime(createOnnxNodeRuntime());
const loader = createModelLoader({ store: createFsModelStore(dir), runtime });

async function measure(
  name: string,
  work: (p: RgbImage) => Promise<unknown>,
): Promise<{ ms: number; bare: number }> {
  for (const p of photos) await work(p); // warm-up
  const rates: number[] = [];
  const ratios: number[] = [];
  const extras: number[] = [];
  let totalMs = 0;
  let totalBare = 0;
  for (let r = 0; r < rounds; r++) {
    runtime.reset();
    const t = performance.now();
    for (const p of photos) await work(p);
    const ms = performance.now() - t;
    rates.push((photos.length * 1000) / ms);
    ratios.push(ms / runtime.runMs);
    extras.push((ms - runtime.runMs) / photos.length);
    totalMs += ms;
    totalBare += runtime.runMs;
  }
  const bare = median(rates) * median(ratios);
  report({
    bench: 'ml-tags-ocr',
    metric: `${name}_per_s`,
    value: median(rates),
    unit: 'photos/s',
    anchor: { name: 'bare onnxruntime photos/s', value: bare },
    ratio: median(ratios),
  });
  report({ bench: 'ml-tags-ocr', metric: `${name}_overhead_ratio`, value: median(ratios), unit: 'ratio' });
  report({ bench: 'ml-tags-ocr', metric: `${name}_js_ms`, value: median(extras), unit: 'ms/photo' });
  return { ms: totalMs, bare: totalBare };
}

const tagger = createObjectTagger(loader);
const tags = await measure('tags', (p) => tagger.tag(p));
const reader = createTextReader(loader);
const ocr = await measure('ocr', (p) => reader.read(p));
// Both pipelines together: all pipeline time ÷ all time inside onnxruntime.
report({
  bench: 'ml-tags-ocr',
  metric: 'overhead_ratio',
  value: (tags.ms + ocr.ms) / (tags.bare + ocr.bare),
  unit: 'ratio',
});
await loader.stop();
