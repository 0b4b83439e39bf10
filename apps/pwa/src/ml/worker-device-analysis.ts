/**
 * The peer worker's wiring of `createDeviceAnalysis`: this device's originals from its media
 * cache, the catalog's word on whether a home node holds a photo yet, images decoded by the
 * browser (EXIF orientation applied, as sharp does on the node), and onnxruntime-web's
 * wasm-only build (not `@hearth/ml/platform`, which would bring the 28 MB WebGPU wasm too).
 */
import type { RgbImage } from '@hearth/ml';
import type { CatalogPeer } from '../catalog/open-catalog-peer.ts';
import { openIdbMediaCache } from '../catalog/media-cache.idb.ts';
import { openIdbMlBlobCache } from '../search/ml-blob-cache.idb.ts';
import { createDeviceAnalysis, type DeviceAnalysis } from './device-analysis.ts';
import { keptWasmRuntime } from './onnx-wasm-kept.ts';
import { openSmartSearchStore } from './smart-search-setting.idb.ts';

/** A decoded image as packed RGB (what the models' preprocessing takes). */
export async function decodeInBrowser(original: Blob): Promise<RgbImage> {
  const bitmap = await createImageBitmap(original);
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context for decoding');
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const data = new Uint8Array(bitmap.width * bitmap.height * 3);
    for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
      data[j] = rgba[i]!;
      data[j + 1] = rgba[i + 1]!;
      data[j + 2] = rgba[i + 2]!;
    }
    return { width: bitmap.width, height: bitmap.height, data };
  } finally {
    bitmap.close();
  }
}

/** Starts the analysis of this device's own imports; it looks again whenever photos are added. */
export async function startWorkerDeviceAnalysis(opts: {
  peer: CatalogPeer;
  libraryId: string;
  deviceId: string;
  nodeReachable(): boolean;
}): Promise<DeviceAnalysis> {
  const { peer } = opts;
  const [{ createOnnxWasmRuntime }, media, cache, setting] = await Promise.all([
    import('@hearth/ml/onnx-wasm'),
    openIdbMediaCache(`hearth-media-${opts.libraryId}`),
    openIdbMlBlobCache(`hearth-device-ml-${opts.libraryId}`),
    openSmartSearchStore(),
  ]);
  const analysis = createDeviceAnalysis({
    repo: peer.repo,
    root: peer.root,
    deviceId: opts.deviceId,
    photos: {
      held: async () => (await media.held('original')).map((h) => h.asset),
      pending: async (id) => {
        const a = await peer.library.getAsset(id);
        return a && a.type === 'image' && !a.backedUp;
      },
      original: (id) => media.get(id, 'original'),
    },
    cache,
    fetchBlob: (hash) => peer.remoteBlob(hash),
    nodeReachable: opts.nodeReachable,
    // The wasm is kept by the app (offline imports are analysed without the service worker's help).
    runtime: () => keptWasmRuntime((wasm) => createOnnxWasmRuntime({ wasmBinary: wasm })),
    decode: decodeInBrowser,
    smartSearch: {
      on: async () => (await setting.read()).on,
      published: (bytes) => void setting.setModelBytes(bytes).catch(() => {}),
    },
  });
  // Turned on or off in Settings: fetch (or drop) the CLIP image model now, not at the next poll.
  const off = setting.onChange(() => void analysis.wake());
  peer.library.onChange((change) => {
    if (change.assets.length > 0) void analysis.wake();
  });
  return {
    ready: analysis.ready,
    wake: () => analysis.wake(),
    get analysed() {
      return analysis.analysed;
    },
    stop() {
      off();
      analysis.stop();
      setting.close();
    },
  };
}
