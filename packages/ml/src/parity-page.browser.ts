/**
 * The page the Chromium parity test (browser-parity.test.ts) loads: the face pipeline, object
 * tagger, OCR and CLIP encoder on onnxruntime-web, models fetched from `/models/`, pixels
 * from `/rgb/<name>` (decoded once in Node, so only the runtimes differ). Results are plain
 * JSON for comparison; `analyzeAll` is the one function both sides run.
 */
import { createClipEncoder } from './clip-encoder.ts';
import { createFacePipeline } from './face-pipeline.ts';
import type { InferenceRuntime } from './inference-session.ts';
import { createOnnxWebRuntime } from './inference-session.onnx-web.ts';
import { createModelLoader } from './model-loader.ts';
import { createFetchModelStore, type ModelStore } from './model-store.ts';
import { createObjectTagger } from './object-tagger.ts';
import { createTextReader } from './ocr.ts';
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
  /** OCR lines (only for the images asked) */
  text?: string[];
  /** CLIP image embedding (only for the images asked) */
  clip?: number[];
}

/** Which images also get OCR and CLIP, and the text to embed with CLIP. */
export interface ParityPlan {
  names: readonly string[];
  ocr: readonly string[];
  clip: readonly string[];
  clipText: string;
}

/** Faces and tags for every image, OCR and CLIP for the images the plan names. */
export async function analyzeAll(
  store: ModelStore,
  runtime: InferenceRuntime,
  plan: ParityPlan,
  pixelsOf: (name: string) => Promise<RgbImage>,
): Promise<{ images: ParityResult[]; clipText: number[] }> {
  const loader = createModelLoader({ store, runtime });
  const faces = createFacePipeline(loader);
  const tagger = createObjectTagger(loader);
  const reader = createTextReader(loader);
  const clip = createClipEncoder(loader);
  const images: ParityResult[] = [];
  try {
    for (const name of plan.names) {
      const img = await pixelsOf(name);
      const f = await faces.analyze(img);
      const t = await tagger.tag(img);
      const r: ParityResult = {
        name,
        faces: f.faces.map((x) => ({
          box: { x: x.box.x, y: x.box.y, width: x.box.width, height: x.box.height },
          score: x.score,
          embedding: Array.from(x.embedding),
        })),
        tags: t.tags.map((g) => ({ label: g.label, confidence: g.confidence })),
      };
      if (plan.ocr.includes(name)) r.text = (await reader.read(img)).lines.map((l) => l.text);
      if (plan.clip.includes(name)) r.clip = Array.from((await clip.embedImage(img)).vector);
      images.push(r);
    }
    return { images, clipText: Array.from((await clip.embedText(plan.clipText)).vector) };
  } finally {
    await loader.stop();
  }
}

async function pixels(name: string): Promise<RgbImage> {
  const res = await fetch(`/rgb/${encodeURIComponent(name)}`);
  if (!res.ok) throw new Error(`/rgb/${name}: HTTP ${res.status}`);
  const width = Number(res.headers.get('x-width'));
  const height = Number(res.headers.get('x-height'));
  return { width, height, data: new Uint8Array(await res.arrayBuffer()) };
}

/** Runs the plan on onnxruntime-web (wasm) in this page. */
export function runParity(plan: ParityPlan): Promise<{ images: ParityResult[]; clipText: number[] }> {
  return analyzeAll(
    createFetchModelStore('/models'),
    createOnnxWebRuntime({ wasmPaths: '/ort/' }),
    plan,
    pixels,
  );
}

(globalThis as unknown as { hearthParity: typeof runParity }).hearthParity = runParity;
