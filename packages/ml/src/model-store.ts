/**
 * Where model bytes come from: a directory on the node (`model-store.fs.ts`), or HTTP in
 * the browser (`createFetchModelStore`, served by the home node or the PWA's origin).
 */
import { ModelDownloadError } from './errors.ts';

/** Reads model files by their path relative to the models dir. */
export interface ModelStore {
  /** The file's bytes, or `undefined` when it is not there (the feature is then disabled). */
  read(file: string): Promise<Uint8Array | undefined>;
}

/** A store that fetches `${baseUrl}/${file}`; 404 means missing. */
export function createFetchModelStore(baseUrl: string, fetchFn: typeof fetch = fetch): ModelStore {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async read(file) {
      const res = await fetchFn(`${base}/${file}`);
      if (res.status === 404) return undefined;
      if (!res.ok) throw new ModelDownloadError(`${base}/${file}`, `HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

/** An in-memory store (tests, generated models). */
export function createMemoryModelStore(files: ReadonlyMap<string, Uint8Array>): ModelStore {
  return {
    read(file) {
      return Promise.resolve(files.get(file));
    },
  };
}
