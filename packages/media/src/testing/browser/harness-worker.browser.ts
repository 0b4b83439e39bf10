/**
 * Worker side of the Chromium parity test: the canvas codec (createImageBitmap +
 * OffscreenCanvas; libheif / libjxl wasm) and the exifr reader on fixture files fetched from
 * the test's server, through the same makeDerivatives / extractMetadata as the home node.
 */
import { extractMetadata } from '../../extract-metadata.ts';
import { makeDerivatives } from '../../make-derivatives.ts';
import { createCanvasCodec, createExifrReader } from '../../platform.browser.ts';

/** Which fixtures to run: paths under the server's /fixtures/. */
export interface ParityRequest {
  files: string[];
}

/** What the browser made of one file (the test compares it with Node's). */
export interface ParityResult {
  file: string;
  error?: { code?: string; message: string };
  inWorker: boolean;
  derivatives?: {
    width: number;
    height: number;
    thumbnail: { width: number; height: number; format: string; bytes: number };
    preview: { width: number; height: number; format: string; bytes: number };
    thumbhash: string;
    phash: string;
    decoder: string;
  };
  metadata?: {
    mime: string;
    width?: number;
    height?: number;
    orientation?: number;
    captureLocal: string;
    captureUtcMs: number;
    captureSource: string;
    make?: string;
    model?: string;
    gps?: { latitude: number; longitude: number };
  };
}

const codec = createCanvasCodec({
  loadJxlWasm: async () => WebAssembly.compile(await (await fetch('/wasm/jxl_dec.wasm')).arrayBuffer()),
});
const reader = createExifrReader();

async function one(file: string): Promise<ParityResult> {
  const out: ParityResult = { file, inWorker: typeof document === 'undefined' };
  try {
    const res = await fetch(`/fixtures/${file}`);
    if (!res.ok) throw new Error(`fixture ${file}: HTTP ${res.status}`);
    const input = { bytes: new Uint8Array(await res.arrayBuffer()), name: file.split('/').pop() ?? file };
    const [m, d] = await Promise.all([extractMetadata(reader, input), makeDerivatives(codec, input)]);
    out.derivatives = {
      width: d.width,
      height: d.height,
      thumbnail: { ...d.thumbnail, bytes: d.thumbnail.bytes.byteLength },
      preview: { ...d.preview, bytes: d.preview.bytes.byteLength },
      thumbhash: d.thumbhash,
      phash: d.phash,
      decoder: d.decoder,
    };
    out.metadata = {
      mime: m.mime,
      captureLocal: m.captureTime.local,
      captureUtcMs: m.captureTime.utcMs,
      captureSource: m.captureTime.source,
      ...(m.width !== undefined ? { width: m.width } : {}),
      ...(m.height !== undefined ? { height: m.height } : {}),
      ...(m.orientation !== undefined ? { orientation: m.orientation } : {}),
      ...(m.camera?.make ? { make: m.camera.make } : {}),
      ...(m.camera?.model ? { model: m.camera.model } : {}),
      ...(m.gps ? { gps: { latitude: m.gps.latitude, longitude: m.gps.longitude } } : {}),
    };
  } catch (e) {
    const err = e as { code?: string; message?: string };
    out.error = { ...(err.code ? { code: err.code } : {}), message: String(err.message ?? e) };
  }
  return out;
}

self.onmessage = async (e: MessageEvent<ParityRequest>) => {
  const results: ParityResult[] = [];
  for (const f of e.data.files) results.push(await one(f));
  self.postMessage(results);
};
