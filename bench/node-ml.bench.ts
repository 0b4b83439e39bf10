/**
 * node-ml: what the ML steps (faces + tags + OCR) add to `hearth import`, end to end in a
 * separate process. Each run imports `test-images` (4 photos + 40 face crops) into a fresh
 * library twice, with HEARTH_ML=off (the anchor, measured in the same run) and on; the
 * figure is the extra time per photo and ML photos per second (medians of `runs`).
 * Usage: npm run bench -- node-ml [runs=3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CLI } from '@hearth/node-peer/testing';
import { median, report } from './report.ts';

const runs = Number(process.argv[2] ?? 3);
const models = process.env['HEARTH_MODELS_DIR'] ?? resolve(import.meta.dirname, '../../shared/models');
const src = join(models, 'test-images');
const photos =
  readdirSync(src).filter((f) => f.endsWith('.jpg')).length +
  readdirSync(join(src, 'faces-faceapi')).filter((f) => f.endsWith('.png')).length;

/** Seconds for init-excluded `hearth import` of the test images. */
function importOnce(ml: 'on' | 'off'): number {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-node-ml-'));
  const env = { ...process.env, HEARTH_ML: ml, HEARTH_MODELS_DIR: models };
  try {
    spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'init'], { stdio: 'ignore', env });
    const t = performance.now();
    const r = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, 'import', src, '--json'], {
      encoding: 'utf8',
      env,
    });
    const s = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
    return s;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const off: number[] = [];
const on: number[] = [];
for (let i = 0; i < runs; i++) {
  off.push(importOnce('off'));
  on.push(importOnce('on'));
}
const offS = median(off);
const onS = median(on);
report({
  bench: 'node-ml',
  metric: 'ml_s_per_photo',
  value: (onS - offS) / photos,
  unit: 's',
  anchor: { name: 'import_ml_off_s', value: offS },
  ratio: onS / offS,
});
report({
  bench: 'node-ml',
  metric: 'ml_photos_per_s',
  value: photos / Math.max(onS - offS, 1e-3),
  unit: 'photos/s',
});
