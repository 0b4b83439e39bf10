/**
 * onnxruntime-web's wasm (14 MB, not precached) kept by the app itself, for the worker's ML
 * runtimes (CLIP search, device analysis). The service worker's runtime route keeps it too, but
 * that depends on the service worker answering the worker's fetch and on its cache write having
 * finished: a page reloaded offline soon after the first semantic search found neither (the CLIP
 * search e2e, 1 run in 4–6: "Failed to fetch", nothing in `hearth-onnx`), and once onnxruntime's
 * wasm failed to start it refuses to start again for the worker's life. So the bytes are read
 * from the Cache API, else fetched and written there (awaited) before the runtime starts with them.
 */
import type { InferenceRuntime } from '@hearth/ml';
// The same file onnxruntime-web's bundle names (one emitted asset, same hash).
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';

/** The Cache API cache that holds it (the one the service worker's runtime route uses too). */
export const ONNX_CACHE = 'hearth-onnx';

/** The wasm's bytes: from `ONNX_CACHE`, else fetched and kept there first. Rejects offline when not kept. */
export async function keptOnnxWasm(
  url: string,
  store: Pick<CacheStorage, 'open'> = caches,
  fetchFile: (url: string) => Promise<Response> = (u) => fetch(u),
): Promise<ArrayBuffer> {
  const cache = await store.open(ONNX_CACHE);
  const held = await cache.match(url);
  if (held) return held.arrayBuffer();
  const res = await fetchFile(url);
  if (!res.ok) throw new Error(`onnxruntime's wasm: HTTP ${res.status} for ${url}`);
  // Awaited: once a model runs, an offline reload finds the wasm here.
  await cache.put(url, res.clone());
  return res.arrayBuffer();
}

/**
 * A runtime that gets the wasm's bytes (`load`) before its first session and makes the real
 * runtime with them (`make`). A failed `load` (offline, nothing kept) is tried again at the next
 * session: onnxruntime itself has not been started, so it can still start later.
 */
export function runtimeWithWasm(
  name: string,
  load: () => Promise<ArrayBuffer>,
  make: (wasm: ArrayBuffer) => InferenceRuntime,
): InferenceRuntime {
  let inner: Promise<InferenceRuntime> | undefined;
  const runtime = () =>
    (inner ??= load()
      .then(make)
      .catch((e: unknown) => {
        inner = undefined;
        throw e;
      }));
  return {
    name,
    createSession: async (model, options) => (await runtime()).createSession(model, options),
  };
}

/** the bytes once read: CLIP search and device analysis share one copy (14 MB) */
let shared: Promise<ArrayBuffer> | undefined;

/** onnxruntime-web's wasm-only runtime (`make`, given the bytes) on the wasm the app keeps. */
export function keptWasmRuntime(make: (wasm: ArrayBuffer) => InferenceRuntime): InferenceRuntime {
  const url = new URL(ortWasmUrl, import.meta.url).href;
  const load = () =>
    (shared ??= keptOnnxWasm(url).catch((e: unknown) => {
      shared = undefined; // offline with nothing kept: tried again at the next session
      throw e;
    }));
  return runtimeWithWasm('onnxruntime-web/wasm', load, make);
}
