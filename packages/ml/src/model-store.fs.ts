/**
 * Node model store: files under the models dir (`HEARTH_MODELS_DIR`, falling back to
 * `../shared/models` from the repo root).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ModelStore } from './model-store.ts';

/** The configured models dir. */
export function defaultModelsDir(): string {
  const env = process.env['HEARTH_MODELS_DIR'];
  if (env) return resolve(env);
  // packages/ml/src → repo root is three levels up; the shared dir sits beside the repo.
  return resolve(import.meta.dirname, '../../../../shared/models');
}

export function createFsModelStore(dir: string = defaultModelsDir()): ModelStore {
  return {
    async read(file) {
      try {
        return new Uint8Array(await readFile(join(dir, file)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
  };
}
