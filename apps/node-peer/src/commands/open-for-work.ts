import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeConfig } from '../config.ts';
import { readDaemonInfo, type DaemonInfo } from '../daemon-lock.ts';
import { openLibrary, type Library } from '../library.ts';
import { createPipeline, type Pipeline } from '../pipeline.ts';
import { createReconcileLoop, type ReconcileLoop } from '../reconcile-loop.ts';

/**
 * Open the library for a command that writes. When no daemon runs, the command cleans
 * up interrupted writes itself and runs the reconcile loop in-process (so `hearth import`
 * ends with every derivative made); when one runs, the daemon does both.
 */
export async function openForWork(
  cfg: NodeConfig,
  opts: { derive: boolean },
): Promise<{ lib: Library; daemon?: DaemonInfo; loop?: ReconcileLoop; pipeline?: Pipeline }> {
  const lib = await openLibrary(cfg.dataDir);
  const daemon = await readDaemonInfo(lib.layout.daemonJson);
  if (daemon) {
    // The daemon owns clean-up of the store's temp dir; only make sure it exists.
    await mkdir(join(lib.layout.blobs, 'tmp'), { recursive: true });
    return { lib, daemon };
  }
  await lib.blobs.start();
  if (!opts.derive) return { lib };
  const pipeline = await createPipeline({
    ml: cfg.ml,
    modelsDir: cfg.modelsDir,
    ffmpegChildren: lib.layout.ffmpegChildren,
  });
  const loop = createReconcileLoop({
    catalog: lib.catalog,
    blobs: lib.blobs,
    steps: pipeline.steps,
    concurrency: cfg.concurrency,
    // A step that fails for a reason other than the file (disk, memory, a tool) is retried on the
    // next run; say so, or `import` would end quietly with derivatives missing.
    onError: (kind, asset, err) =>
      process.stderr.write(`${kind} ${asset.slice(0, 12)}: ${(err as Error).message ?? String(err)}\n`),
  });
  return { lib, loop, pipeline };
}
