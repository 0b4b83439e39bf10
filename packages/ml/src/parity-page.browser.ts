/**
 * The page the Chromium parity test (browser-parity.test.ts) loads: the face pipeline and
 * object tagger on onnxruntime-web, models fetched from `/models/`, pixels from `/rgb/<name>`
 * (decoded once in Node, so only the runtimes differ). Results are plain JSON for comparison.
 */
import { createFacePipeline } from './face-pipeline.ts';
import { createOnnxWebRuntime } from './inference-session.onnx-web.ts';
import { createModelLoader } from './model-loader.ts';
import { createFetchModelStore } from './model-store.ts';
import { createObjectTagger } from './object-tagger.ts';
import type { RgbImage } from './rgb-image.ts';

/** What the page reports per image. */
export interface ParityResult {
  name: string;
  faces: {
    box: { x: number; y: number; width: number; height: number };
    score: number;
    embedding: number[];
  }[];
  tags: { label: string; confidence: number }[];
}

async function pixels(name: string): Promise<RgbImage> {
  const res = await fetch(`/rgb/${encodeURIComponent(name)}`);
  if (!res.ok) throw new Error(`/rgb/${name}: HTTP ${res.status}`);
  const width = Number(res.headers.get('x-width'));
  const height = Number(res.headers.get('x-height'));
  return { width, height, data: new Uint8Array(await res.arrayBuffer()) };
}

/** Runs every image through faces and tags on onnxruntime-web (wasm) in this page. */
export async function runParity(names: readonly string[]): Promise<ParityResult[]> {
  const loader = createModelLoader({
    store: createFetchModelStore('/models'),
    runtime: createOnnxWebRuntime({ wasmPaths: '/ort/' }),
  });
  const faces = createFacePipeline(loader);
  const tagger = createObjectTagger(loader);
  const out: ParityResult[] = [];
  try {
    for (const name of names) {
      const img = await pixels(name);
      const f = await faces.analyze(img);
      const t = await tagger.tag(img);
      out.push({
        name,
        faces: f.faces.map((x) => ({
          box: { x: x.box.x, y: x.box.y, width: x.box.width, height: x.box.height },
          score: x.score,
          embedding: Array.from(x.embedding),
        })),
        tags: t.tags.map((g) => ({ label: g.label, confidence: g.confidence })),
      });
    }
  } finally {
    await loader.stop();
  }
  return out;
}

(globalThis as unknown as { hearthParity: typeof runParity }).hearthParity = runParity;
